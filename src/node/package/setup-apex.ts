/**
 * The switchboardSetup page's Apex controller and its test class.
 *
 * Why the Metadata API through a Named Credential: a call center is metadata (CallCenter), not a
 * record, so DML cannot write it; SOQL on CallCenter lists call centers but not their sections and
 * items; and Apex's own `Metadata.Operations` deploys only custom metadata records and page layouts.
 * What is left is the Metadata API's readMetadata / updateMetadata calls, made from Apex. Salesforce
 * gives Lightning sessions no API access (UserInfo.getSessionId() in an LWC's Apex is refused by
 * the API), and names a Named Credential as the way to call its APIs from a Lightning component's
 * Apex. Its OAuth flow is per user, so each admin's saves run as that admin and Salesforce checks
 * their own right to change call centers (Customize Application); no one gets more through this
 * class than they have in Setup.
 */
export const SETUP_APEX_CLASS = 'SwitchboardSetupController';
export const SETUP_APEX_TEST_CLASS = 'SwitchboardSetupControllerTest';
/** The Named Credential an admin creates once (PACKAGE_README says how). */
export const SETUP_NAMED_CREDENTIAL = 'SwitchboardMetadataApi';

export function setupApex(apiVersion: string): string {
  return `/**
 * Reads and saves a call center for the Switchboard Setup page (LWC switchboardSetup).
 * A call center is metadata, not a record: DML cannot write it and Metadata.Operations deploys only
 * custom metadata records and layouts, so this class calls the Metadata API (readMetadata,
 * updateMetadata) through the Named Credential ${SETUP_NAMED_CREDENTIAL}, which authenticates each
 * admin as themselves (Lightning sessions have no API access). The page checks the file with the
 * Call Center linter before it calls save; the Metadata API checks it again.
 */
public with sharing class ${SETUP_APEX_CLASS} {
    @TestVisible static final String ENDPOINT = 'callout:${SETUP_NAMED_CREDENTIAL}/services/Soap/m/${apiVersion}';
    static final String METADATA_NS = 'http://soap.sforce.com/2006/04/metadata';

    @AuraEnabled
    public static List<CallCenter> listCallCenters() {
        return [SELECT Id, Name, InternalName FROM CallCenter ORDER BY Name LIMIT 200];
    }

    /** The call center as a Metadata API file (callCenters/<InternalName>.callCenter-meta.xml). */
    @AuraEnabled
    public static String readCallCenter(String internalName) {
        checkName(internalName);
        String body = call('readMetadata', '<met:readMetadata><met:type>CallCenter</met:type><met:fullNames>' + internalName.escapeXml() + '</met:fullNames></met:readMetadata>');
        Integer open = body.indexOf('<records');
        Integer close = body.lastIndexOf('</records>');
        if (open < 0 || close < 0) fail('There is no call center named ' + internalName + '.');
        String inner = body.substring(body.indexOf('>', open) + 1, close);
        return '<?xml version="1.0" encoding="UTF-8"?>\\n<CallCenter xmlns="' + METADATA_NS + '">' + inner + '</CallCenter>\\n';
    }

    /** Saves a whole call center file (what the page shows the admin) and returns it as read back. */
    @AuraEnabled
    public static String saveCallCenter(String internalName, String callCenterXml) {
        checkName(internalName);
        Dom.XmlNode root;
        try {
            Dom.Document doc = new Dom.Document();
            doc.load(callCenterXml);
            root = doc.getRootElement();
        } catch (Exception e) {
            fail('The call center is not well-formed XML: ' + e.getMessage());
        }
        if (root.getName() != 'CallCenter' || root.getNamespace() != METADATA_NS) fail('Expected a Metadata API <CallCenter>, got <' + root.getName() + '>.');
        Integer start = callCenterXml.indexOf('>', callCenterXml.indexOf('<CallCenter')) + 1;
        // fullName comes first in the SOAP type and must be the call center being saved.
        String inner = callCenterXml.substring(start, callCenterXml.lastIndexOf('</CallCenter>')).replaceAll('<fullName>[^<]*</fullName>', '');
        String body = call('updateMetadata', '<met:updateMetadata><met:metadata xsi:type="met:CallCenter" xmlns="' + METADATA_NS + '"><fullName>' + internalName.escapeXml() + '</fullName>' + inner + '</met:metadata></met:updateMetadata>');
        if (!body.contains('<success>true</success>')) {
            List<String> messages = new List<String>();
            for (String part : body.split('<message>')) {
                if (part.contains('</message>')) messages.add(part.substringBefore('</message>').unescapeXml());
            }
            fail('Salesforce refused the call center: ' + (messages.isEmpty() ? body.abbreviate(500) : String.join(messages, ' ')));
        }
        return readCallCenter(internalName);
    }

    static void checkName(String internalName) {
        if (internalName == null || !Pattern.matches('[A-Za-z][A-Za-z0-9]{0,39}', internalName)) fail('\\'' + internalName + '\\' is not a call center internal name.');
    }

    static String call(String action, String payload) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(ENDPOINT);
        req.setMethod('POST');
        req.setTimeout(60000);
        req.setHeader('Content-Type', 'text/xml; charset=UTF-8');
        req.setHeader('SOAPAction', action);
        // The Metadata API takes the token in the SOAP header: the Named Credential fills it in
        // (it needs "Allow Formulas in HTTP Body").
        req.setBody('<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:met="' + METADATA_NS + '" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            + '<soapenv:Header><met:SessionHeader><met:sessionId>{!$Credential.OAuthToken}</met:sessionId></met:SessionHeader></soapenv:Header>'
            + '<soapenv:Body>' + payload + '</soapenv:Body></soapenv:Envelope>');
        HttpResponse res = new Http().send(req);
        String body = res.getBody();
        if (res.getStatusCode() != 200) {
            String fault = body != null && body.contains('<faultstring>') ? body.substringBetween('<faultstring>', '</faultstring>').unescapeXml() : 'HTTP ' + res.getStatusCode();
            fail('The Metadata API refused ' + action + ': ' + fault + (fault.contains('INVALID_SESSION_ID') ? ' (authenticate the Named Credential ${SETUP_NAMED_CREDENTIAL}: Settings > My Personal Information > External Credentials)' : ''));
        }
        return body;
    }

    static void fail(String message) {
        AuraHandledException e = new AuraHandledException(message);
        e.setMessage(message);
        throw e;
    }
}
`;
}

export function setupApexTest(apiVersion: string): string {
  return `@IsTest
private class ${SETUP_APEX_TEST_CLASS} {
    static final String NS = 'http://soap.sforce.com/2006/04/metadata';
    static final String RECORD = '<fullName>Demo</fullName><adapterUrl>/apex/SwitchboardSoftphone</adapterUrl><displayName>Demo</displayName><displayNameLabel>Display Name</displayNameLabel><internalNameLabel>Internal Name</internalNameLabel>'
        + '<sections><items><label>SIP Domain</label><name>sipDomain</name><value>pbx.example.com</value></items><label>Switchboard Connector</label><name>switchboard</name></sections><version>1</version>';

    /** The Metadata API as the org answers: readMetadata returns the saved record, updateMetadata stores it. */
    class MetadataApi implements HttpCalloutMock {
        String record = RECORD;
        String refusal;
        List<HttpRequest> requests = new List<HttpRequest>();
        public HttpResponse respond(HttpRequest req) {
            requests.add(req);
            HttpResponse res = new HttpResponse();
            res.setStatusCode(200);
            String body = req.getBody();
            if (req.getHeader('SOAPAction') == 'readMetadata') {
                String records = body.contains('<met:fullNames>Demo</met:fullNames>') ? '<records xsi:type="CallCenter">' + record + '</records>' : '';
                res.setBody('<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="' + NS + '" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><readMetadataResponse><result>' + records + '</result></readMetadataResponse></soapenv:Body></soapenv:Envelope>');
            } else if (refusal != null) {
                res.setBody('<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="' + NS + '"><soapenv:Body><updateMetadataResponse><result><errors><message>' + refusal + '</message><statusCode>FIELD_INTEGRITY_EXCEPTION</statusCode></errors><fullName>Demo</fullName><success>false</success></result></updateMetadataResponse></soapenv:Body></soapenv:Envelope>');
            } else {
                record = body.substringBetween('<met:metadata xsi:type="met:CallCenter" xmlns="' + NS + '">', '</met:metadata>');
                res.setBody('<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="' + NS + '"><soapenv:Body><updateMetadataResponse><result><fullName>Demo</fullName><success>true</success></result></updateMetadataResponse></soapenv:Body></soapenv:Envelope>');
            }
            return res;
        }
    }

    @IsTest
    static void readsTheCallCenterAsAMetadataFile() {
        MetadataApi api = new MetadataApi();
        Test.setMock(HttpCalloutMock.class, api);
        Test.startTest();
        String xml = ${SETUP_APEX_CLASS}.readCallCenter('Demo');
        Test.stopTest();
        Dom.Document doc = new Dom.Document();
        doc.load(xml);
        System.assertEquals('CallCenter', doc.getRootElement().getName());
        System.assertEquals(NS, doc.getRootElement().getNamespace());
        System.assert(xml.contains('<name>sipDomain</name><value>pbx.example.com</value>'), xml);
        HttpRequest req = api.requests[0];
        System.assertEquals('callout:${SETUP_NAMED_CREDENTIAL}/services/Soap/m/${apiVersion}', req.getEndpoint());
        System.assert(req.getBody().contains('<met:sessionId>{!$Credential.OAuthToken}</met:sessionId>'), 'the Named Credential supplies the session');
        System.assert(req.getBody().contains('<met:type>CallCenter</met:type>'));
    }

    @IsTest
    static void savesThroughUpdateMetadataAndReadsItBack() {
        MetadataApi api = new MetadataApi();
        Test.setMock(HttpCalloutMock.class, api);
        String file = '<?xml version="1.0" encoding="UTF-8"?>\\n<CallCenter xmlns="' + NS + '">' + RECORD.replace('pbx.example.com', 'sip.example.org') + '</CallCenter>\\n';
        Test.startTest();
        String saved = ${SETUP_APEX_CLASS}.saveCallCenter('Demo', file);
        Test.stopTest();
        System.assertEquals('updateMetadata', api.requests[0].getHeader('SOAPAction'));
        System.assertEquals(1, api.requests[0].getBody().countMatches('<fullName>'), 'one fullName, the call center being saved');
        System.assert(saved.contains('<value>sip.example.org</value>'), saved);
    }

    @IsTest
    static void reportsWhatTheMetadataApiRefused() {
        MetadataApi api = new MetadataApi();
        api.refusal = 'Invalid value for sortOrder';
        Test.setMock(HttpCalloutMock.class, api);
        String file = '<?xml version="1.0" encoding="UTF-8"?><CallCenter xmlns="' + NS + '">' + RECORD + '</CallCenter>';
        try {
            ${SETUP_APEX_CLASS}.saveCallCenter('Demo', file);
            System.assert(false, 'expected a refusal');
        } catch (AuraHandledException e) {
            System.assert(e.getMessage().contains('Invalid value for sortOrder'), e.getMessage());
        }
    }

    @IsTest
    static void refusesWhatIsNoCallCenter() {
        Test.setMock(HttpCalloutMock.class, new MetadataApi());
        for (List<String> bad : new List<List<String>>{
            new List<String>{ 'Demo', '<ApexClass xmlns="' + NS + '"/>' },
            new List<String>{ 'Demo', '<CallCenter>' },
            new List<String>{ 'Demo Center', '<CallCenter xmlns="' + NS + '"/>' }
        }) {
            try {
                ${SETUP_APEX_CLASS}.saveCallCenter(bad[0], bad[1]);
                System.assert(false, 'expected a refusal of ' + bad);
            } catch (AuraHandledException e) {
                System.assert(e.getMessage() != null);
            }
        }
        try {
            ${SETUP_APEX_CLASS}.readCallCenter('Missing');
            System.assert(false, 'expected no such call center');
        } catch (AuraHandledException e) {
            System.assert(e.getMessage().contains('no call center named Missing'), e.getMessage());
        }
    }

    @IsTest
    static void listsCallCenters() {
        List<CallCenter> centers = ${SETUP_APEX_CLASS}.listCallCenters();
        System.assertNotEquals(null, centers);
    }
}
`;
}
