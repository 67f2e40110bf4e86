/**
 * What the package ships for ephemeral SIP credentials (`credentialScheme: ephemeral`): the Apex
 * class the connector calls through Open CTI `runApex` to mint the signed-in user's credentials,
 * its test class, the protected Custom Metadata type that holds the secret shared with the phone
 * system, and the User field that maps each user to an extension.
 *
 * Scheme (Kamailio `auth_ephemeral`, `username_format=1`):
 *   username = "<expiry, Unix seconds>:<extension>"
 *   password = base64(HMAC-SHA1(key = shared secret, message = username))
 * `mint()` answers the JSON string
 *   {"username":"1733403600:1001","password":"…","extension":"1001","expiresAt":1733403600,"ttlSeconds":3600}
 * (`expiresAt` in seconds), and throws a CredentialsException saying what an admin must set when
 * the user has no extension or the secret is missing.
 *
 * Why Custom Metadata and not a Named Credential: the HMAC is computed in Apex, and Apex cannot
 * read an external credential's secret (it is only ever injected into a callout), so the secret
 * must live where Apex can read it and agents cannot. The class reads the type in system mode; the
 * agents' permission set grants no access to it, and with the org setting "Restrict access to
 * custom metadata types" a user without such access (and without Customize Application) cannot
 * query or view its records.
 */
export const CREDENTIALS_APEX_CLASS = 'SwitchboardCredentials';
export const CREDENTIALS_APEX_TEST_CLASS = 'SwitchboardCredentialsTest';
export const CREDENTIALS_APEX_METHOD = 'mint';
/**
 * The same credentials for a connector in a Visualforce page (Salesforce Voice has no Open CTI
 * runApex): a `@RemoteAction` its scripts call by JavaScript remoting. The page is also the class's
 * controller, so Visualforce registers the action with the page's remoting provider.
 */
export const CREDENTIALS_REMOTE_ACTION = 'mintForVoice';
export const PHONE_SECRET_TYPE = 'SwitchboardPhoneSecret__mdt';
export const PHONE_SECRET_RECORD = 'Default';
export const EXTENSION_FIELD = 'SwitchboardExtension__c';
export const DEFAULT_TTL_SECONDS = 3600;

/**
 * A fixed input and the password the Apex test class expects for it; the repository's tests
 * recompute it with Node's crypto, so the Apex and JavaScript sides provably agree.
 */
export const KNOWN_VECTOR = { secret: 'switchboard-demo-secret', expiresAt: 1733403600, extension: '1001', password: 'ugpD4fj70J9yl3sorhV5YCEFhXI=' } as const;

export const CREDENTIALS_APEX = `/**
 * Switchboard softphone: short-lived SIP credentials for the running user, in the scheme of
 * Kamailio's auth_ephemeral module (username_format=1). Called through Open CTI runApex
 * (apexClass '${CREDENTIALS_APEX_CLASS}', methodName '${CREDENTIALS_APEX_METHOD}', methodParams ''), and
 * under Salesforce Voice by JavaScript remoting from the connector's Visualforce page
 * ('{!$RemoteAction.${CREDENTIALS_APEX_CLASS}.${CREDENTIALS_REMOTE_ACTION}}', the page's controller).
 * The secret shared with the phone system is read here, in system mode, and never leaves Salesforce.
 */
global with sharing class ${CREDENTIALS_APEX_CLASS} {
    /** Says what is missing and who sets it. */
    public class CredentialsException extends Exception {}

    @TestVisible private static final Integer DEFAULT_TTL_SECONDS = ${DEFAULT_TTL_SECONDS};
    /** Tests cannot insert custom metadata records: they hand one in (or none) here. */
    @TestVisible private static ${PHONE_SECRET_TYPE} secretForTest;
    @TestVisible private static Boolean noSecretForTest = false;

    /**
     * The running user's credentials as JSON:
     * {"username":"<expiry>:<extension>","password":"<base64 HMAC-SHA1>","extension":"…","expiresAt":<Unix seconds>,"ttlSeconds":<seconds>}
     */
    webService static String ${CREDENTIALS_APEX_METHOD}() {
        String extension = extensionOfRunningUser();
        ${PHONE_SECRET_TYPE} config = phoneSecret();
        Integer ttl = (config.TtlSeconds__c == null || config.TtlSeconds__c < 1) ? DEFAULT_TTL_SECONDS : config.TtlSeconds__c.intValue();
        Long expiresAt = Datetime.now().getTime() / 1000 + ttl;
        return credential(extension, config.Secret__c, expiresAt, ttl);
    }

    /** ${CREDENTIALS_APEX_METHOD}() for Visualforce JavaScript remoting: the same JSON string, the same refusals. */
    @RemoteAction
    global static String ${CREDENTIALS_REMOTE_ACTION}() {
        return ${CREDENTIALS_APEX_METHOD}();
    }

    @TestVisible
    private static String credential(String extension, String secret, Long expiresAt, Integer ttlSeconds) {
        String username = String.valueOf(expiresAt) + ':' + extension;
        Blob mac = Crypto.generateMac('hmacSHA1', Blob.valueOf(username), Blob.valueOf(secret));
        JSONGenerator out = JSON.createGenerator(false);
        out.writeStartObject();
        out.writeStringField('username', username);
        out.writeStringField('password', EncodingUtil.base64Encode(mac));
        out.writeStringField('extension', extension);
        out.writeNumberField('expiresAt', expiresAt);
        out.writeNumberField('ttlSeconds', ttlSeconds);
        out.writeEndObject();
        return out.getAsString();
    }

    private static String extensionOfRunningUser() {
        Id userId = UserInfo.getUserId();
        User agent = [SELECT Username, ${EXTENSION_FIELD} FROM User WHERE Id = :userId];
        String extension = agent.${EXTENSION_FIELD} == null ? '' : agent.${EXTENSION_FIELD}.trim();
        if (String.isBlank(extension)) {
            throw new CredentialsException('User ' + agent.Username + ' has no SIP extension: an admin sets the SIP Extension field (User.${EXTENSION_FIELD}) on the user record.');
        }
        // The username is "<expiry>:<extension>": a colon or a space would make it ambiguous.
        if (!Pattern.matches('[^:\\\\s]+', extension)) {
            throw new CredentialsException('The SIP extension of user ' + agent.Username + ' contains a colon or a space: an admin corrects User.${EXTENSION_FIELD}.');
        }
        return extension;
    }

    private static ${PHONE_SECRET_TYPE} phoneSecret() {
        ${PHONE_SECRET_TYPE} config = noSecretForTest ? null : (secretForTest != null ? secretForTest : ${PHONE_SECRET_TYPE}.getInstance('${PHONE_SECRET_RECORD}'));
        if (config == null || String.isBlank(config.Secret__c)) {
            throw new CredentialsException('The phone-system secret is not configured: an admin creates the ${PHONE_SECRET_RECORD} record of the Switchboard Phone Secret custom metadata type (${PHONE_SECRET_TYPE}) with Secret__c set to the secret the phone system shares.');
        }
        return config;
    }
}
`;

const v = KNOWN_VECTOR;

export const CREDENTIALS_APEX_TEST = `@IsTest
private class ${CREDENTIALS_APEX_TEST_CLASS} {
    /** Gives the running user an extension no real user has (the field is unique). */
    private static String useExtension(String extension) {
        update new User(Id = UserInfo.getUserId(), ${EXTENSION_FIELD} = extension);
        return extension;
    }

    private static String randomExtension() {
        return 't' + EncodingUtil.convertToHex(Crypto.generateAesKey(128)).substring(0, 10);
    }

    private static ${PHONE_SECRET_TYPE} secret(String value, Decimal ttlSeconds) {
        return new ${PHONE_SECRET_TYPE}(DeveloperName = '${PHONE_SECRET_RECORD}', Secret__c = value, TtlSeconds__c = ttlSeconds);
    }

    @IsTest
    static void signsTheKnownVector() {
        // The repository's tests compute the same password with Node's crypto.
        Map<String, Object> c = (Map<String, Object>) JSON.deserializeUntyped(${CREDENTIALS_APEX_CLASS}.credential('${v.extension}', '${v.secret}', ${v.expiresAt}L, 3600));
        System.assertEquals('${v.expiresAt}:${v.extension}', c.get('username'));
        System.assertEquals('${v.password}', c.get('password'));
        System.assertEquals('${v.extension}', c.get('extension'));
        System.assertEquals('${v.expiresAt}', String.valueOf(c.get('expiresAt')));
        System.assertEquals('3600', String.valueOf(c.get('ttlSeconds')));
    }

    @IsTest
    static void mintsForTheRunningUsersExtension() {
        String extension = useExtension(randomExtension());
        ${CREDENTIALS_APEX_CLASS}.secretForTest = secret('s3cret', 600);
        Long before = Datetime.now().getTime() / 1000;
        Map<String, Object> c = (Map<String, Object>) JSON.deserializeUntyped(${CREDENTIALS_APEX_CLASS}.${CREDENTIALS_APEX_METHOD}());
        Long after = Datetime.now().getTime() / 1000;
        String username = (String) c.get('username');
        System.assertEquals(extension, username.substringAfter(':'));
        Long expiresAt = Long.valueOf(username.substringBefore(':'));
        System.assert(expiresAt >= before + 600 && expiresAt <= after + 600, 'expiry is now + TtlSeconds__c: ' + username);
        System.assertEquals(String.valueOf(expiresAt), String.valueOf(c.get('expiresAt')));
        System.assertEquals(EncodingUtil.base64Encode(Crypto.generateMac('hmacSHA1', Blob.valueOf(username), Blob.valueOf('s3cret'))), c.get('password'));
        System.assertEquals(extension, c.get('extension'));
        System.assertEquals('600', String.valueOf(c.get('ttlSeconds')));
    }

    @IsTest
    static void theRemoteActionMintsTheSameWay() {
        String extension = useExtension(randomExtension());
        ${CREDENTIALS_APEX_CLASS}.secretForTest = secret('s3cret', 900);
        Map<String, Object> c = (Map<String, Object>) JSON.deserializeUntyped(${CREDENTIALS_APEX_CLASS}.${CREDENTIALS_REMOTE_ACTION}());
        String username = (String) c.get('username');
        System.assertEquals(extension, username.substringAfter(':'));
        System.assertEquals(EncodingUtil.base64Encode(Crypto.generateMac('hmacSHA1', Blob.valueOf(username), Blob.valueOf('s3cret'))), c.get('password'));
        System.assertEquals('900', String.valueOf(c.get('ttlSeconds')));
        useExtension(null);
        try {
            ${CREDENTIALS_APEX_CLASS}.${CREDENTIALS_REMOTE_ACTION}();
            System.assert(false, 'a user without an extension gets no credentials by remoting either');
        } catch (${CREDENTIALS_APEX_CLASS}.CredentialsException e) {
            System.assert(e.getMessage().contains('${EXTENSION_FIELD}'), e.getMessage());
        }
    }

    @IsTest
    static void anUnsetLifetimeIsAnHour() {
        useExtension(randomExtension());
        ${CREDENTIALS_APEX_CLASS}.secretForTest = secret('s3cret', null);
        Map<String, Object> c = (Map<String, Object>) JSON.deserializeUntyped(${CREDENTIALS_APEX_CLASS}.${CREDENTIALS_APEX_METHOD}());
        System.assertEquals('${DEFAULT_TTL_SECONDS}', String.valueOf(c.get('ttlSeconds')));
    }

    @IsTest
    static void refusesAUserWithoutAnExtension() {
        useExtension(null);
        ${CREDENTIALS_APEX_CLASS}.secretForTest = secret('s3cret', 600);
        try {
            ${CREDENTIALS_APEX_CLASS}.${CREDENTIALS_APEX_METHOD}();
            System.assert(false, 'a user without an extension gets no credentials');
        } catch (${CREDENTIALS_APEX_CLASS}.CredentialsException e) {
            System.assert(e.getMessage().contains('${EXTENSION_FIELD}'), e.getMessage());
        }
    }

    @IsTest
    static void refusesWhenTheSecretIsMissingOrEmpty() {
        useExtension(randomExtension());
        ${CREDENTIALS_APEX_CLASS}.noSecretForTest = true;
        try {
            ${CREDENTIALS_APEX_CLASS}.${CREDENTIALS_APEX_METHOD}();
            System.assert(false, 'no secret record, no credentials');
        } catch (${CREDENTIALS_APEX_CLASS}.CredentialsException e) {
            System.assert(e.getMessage().contains('${PHONE_SECRET_TYPE}'), e.getMessage());
        }
        ${CREDENTIALS_APEX_CLASS}.noSecretForTest = false;
        ${CREDENTIALS_APEX_CLASS}.secretForTest = secret('', 600);
        try {
            ${CREDENTIALS_APEX_CLASS}.${CREDENTIALS_APEX_METHOD}();
            System.assert(false, 'an empty secret, no credentials');
        } catch (${CREDENTIALS_APEX_CLASS}.CredentialsException e) {
            System.assert(e.getMessage().contains('Secret__c'), e.getMessage());
        }
    }
}
`;

/** One flat metadata file: its path under force-app/main/default, type and fields in order. */
export interface FlatMetadata {
  readonly path: string;
  readonly type: string;
  readonly fields: readonly (readonly [string, string])[];
}

const SECRET_OBJECT_DIR = `objects/${PHONE_SECRET_TYPE}`;

/** The Custom Metadata type with its two fields, and the User field. */
export function credentialsMetadata(): FlatMetadata[] {
  return [
    {
      path: `${SECRET_OBJECT_DIR}/${PHONE_SECRET_TYPE}.object-meta.xml`,
      type: 'CustomObject',
      fields: [
        [
          'description',
          "The secret the phone system shares with Salesforce to check Switchboard's ephemeral SIP credentials (record Default). Read only by the SwitchboardCredentials Apex class; grant no user access to it.",
        ],
        ['label', 'Switchboard Phone Secret'],
        ['pluralLabel', 'Switchboard Phone Secrets'],
        ['visibility', 'Protected'],
      ],
    },
    {
      path: `${SECRET_OBJECT_DIR}/fields/Secret__c.field-meta.xml`,
      type: 'CustomField',
      fields: [
        ['fullName', 'Secret__c'],
        ['description', 'The shared secret, exactly as configured in the phone system (Kamailio auth_ephemeral secret).'],
        ['externalId', 'false'],
        ['fieldManageability', 'SubscriberControlled'],
        ['inlineHelpText', "Long and random (32 characters or more); the same value as the phone system's secret."],
        ['label', 'Secret'],
        ['length', '255'],
        ['required', 'false'],
        ['type', 'Text'],
        ['unique', 'false'],
      ],
    },
    {
      path: `${SECRET_OBJECT_DIR}/fields/TtlSeconds__c.field-meta.xml`,
      type: 'CustomField',
      fields: [
        ['fullName', 'TtlSeconds__c'],
        ['defaultValue', String(DEFAULT_TTL_SECONDS)],
        ['description', 'How long a minted SIP credential is valid, in seconds; the softphone renews it before it expires.'],
        ['externalId', 'false'],
        ['fieldManageability', 'SubscriberControlled'],
        ['inlineHelpText', `Seconds; empty means ${DEFAULT_TTL_SECONDS}.`],
        ['label', 'Credential Lifetime (s)'],
        ['precision', '7'],
        ['required', 'false'],
        ['scale', '0'],
        ['type', 'Number'],
        ['unique', 'false'],
      ],
    },
    {
      path: `objects/User/fields/${EXTENSION_FIELD}.field-meta.xml`,
      type: 'CustomField',
      fields: [
        ['fullName', EXTENSION_FIELD],
        ['caseSensitive', 'false'],
        [
          'description',
          "The user's SIP extension (the user part of sip:<extension>@<domain>). Switchboard mints SIP credentials for this extension only; set by an admin, read-only for agents.",
        ],
        ['externalId', 'false'],
        ['inlineHelpText', 'The extension this user answers calls on, e.g. 1001.'],
        ['label', 'SIP Extension'],
        ['length', '40'],
        ['required', 'false'],
        ['type', 'Text'],
        ['unique', 'true'],
      ],
    },
  ];
}

/** The admin steps, written as README.md at the root of the generated project. */
export const PACKAGE_README = `# Switchboard for Salesforce

Deploy with \`sf project deploy start\` in this folder, then assign the **Switchboard Agent**
permission set to every agent and the users to the call center (Setup > Call Centers > Manage Call
Center Users).

## Short-lived SIP credentials (\`credentialScheme: ephemeral\`)

With this scheme no agent types, sees or stores a SIP password. When the softphone starts it calls
the Apex method \`${CREDENTIALS_APEX_CLASS}.${CREDENTIALS_APEX_METHOD}\` through Open CTI \`runApex\`;
Salesforce answers with a username \`<expiry>:<extension>\` and the password
base64(HMAC-SHA1(secret, username)), the scheme of Kamailio's \`auth_ephemeral\` module. The phone
system recomputes the HMAC with the same secret, refuses an expired username and one whose extension
is not the caller's own. The softphone mints new credentials before they expire.

Admin steps:

1. Pick a long random secret (32 characters or more) and configure it in the phone system (Kamailio:
   \`modparam("auth_ephemeral", "secret", "…")\`).
2. Setup > Custom Metadata Types > **Switchboard Phone Secret** > Manage Records > New: label and
   name \`${PHONE_SECRET_RECORD}\`, **Secret** = that secret, **Credential Lifetime (s)** = how long a
   credential lives (default ${DEFAULT_TTL_SECONDS}). This package does not ship the record, so
   redeploying it never overwrites your secret.
3. Make sure the org setting **Restrict access to custom metadata types** is on (Setup, Quick Find
   "Schema Settings"; recent orgs have it on by default).
4. On each agent's user record set **SIP Extension** (\`User.${EXTENSION_FIELD}\`), e.g. 1001. The
   field is unique, so one extension belongs to one user.
5. In the call center set \`credentialScheme: ephemeral\` and no \`sipUsername\` / \`sipPassword\`.

Who can read the secret: the \`${CREDENTIALS_APEX_CLASS}\` class reads it in system mode. The Switchboard
Agent permission set grants no access to the \`${PHONE_SECRET_TYPE}\` type, so with "Restrict access
to custom metadata types" an agent can neither query nor view its records; admins (Customize
Application) still can. Do not give agents access to the type in a profile or another permission
set. The type is marked Protected, but that
only hides it from code outside its namespace when it is installed from a managed package; deployed
as this unmanaged source it protects nothing by itself, which is why the org setting and the
permission set matter.

Why Custom Metadata rather than a Named Credential: the password is an HMAC computed in Apex, and
Apex cannot read an external credential's secret (Salesforce only injects it into outgoing callouts),
so a Named Credential cannot hold it.

## The Switchboard Setup tab

The **Switchboard Setup** tab (Lightning web component \`switchboardSetup\`, also placeable on a
Lightning app page) is where an admin edits a call center's Switchboard settings: each field is
checked with the rules and messages of \`switchboard callcenter lint\` (the page runs the linter
itself, bundled into the component when this package was built), **Test connection** opens the SIP
WebSocket from the admin's browser and sends a SIP OPTIONS (the round trip, or the likely causes of
a failure), and the page shows the call center as Setup lists it and the file it saves.

How it saves, and why that way: a call center is metadata (CallCenter), not a record, so Apex DML
cannot write it, and SOQL on CallCenter lists call centers but not their settings. Apex's own
\`Metadata.Operations\` deploys only custom metadata records and page layouts. So the controller
\`SwitchboardSetupController\` calls the Metadata API (\`readMetadata\`, \`updateMetadata\`) over
HTTP. Salesforce gives sessions of Lightning components no API access, so the call goes through a
Named Credential, the way Salesforce documents for calling its APIs from a component's Apex.

Admin steps (once per org):

1. Create an External Client App (or Connected App) with OAuth scopes \`api\` and \`refresh_token\`,
   and an Auth. Provider of type **Salesforce** with its consumer key and secret; put the Auth.
   Provider's callback URL into the app.
2. Create a **Named Credential** named \`SwitchboardMetadataApi\`, URL your My Domain
   (https://<domain>.my.salesforce.com), OAuth through that Auth. Provider, **Per User** (so each
   admin's saves run as that admin and Salesforce checks their own permission to change call
   centers), with **Allow Formulas in HTTP Body** on: the Metadata API takes the token in its SOAP
   header, which the class fills with \`{!$Credential.OAuthToken}\`.
3. Assign the **Switchboard Admin** permission set (the tab and the controller) to the admins, and
   have each one authenticate the credential once (Settings > My Personal Information >
   Authentication Settings for External Systems).
4. The tab's connection test may only open the SIP WebSocket host if it is a CSP Trusted Site with
   connect-src: this package adds \`SwitchboardSipWebSocket\` for the call center's URL; add another
   in Setup > Trusted URLs before testing a different host.
`;
