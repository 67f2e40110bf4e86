/**
 * The Apex class behind the screen pop's Case contact (src/crm/screen-pop/case-contact.ts documents
 * the contract): when the IVR's case number pops a Case, the softphone asks, through Open CTI
 * `runApex`, for that Case's contact, so the call's Task names the person (WhoId) beside the Case
 * (WhatId). searchAndScreenPop only answers the softphone layout's display fields and Open CTI has
 * no query method, hence Apex. Without this class the Case is still popped and related, without a
 * contact. The test class covers it for deployment to production (75 % rule).
 */
export const RECORDS_APEX_CLASS = 'SwitchboardRecords';
export const RECORDS_APEX_TEST_CLASS = 'SwitchboardRecordsTest';

export const RECORDS_APEX = `/**
 * Switchboard softphone: the records a screen pop relates a call to. Called through Open CTI
 * runApex with methodParams 'caseId=<Case Id>'.
 */
global with sharing class ${RECORDS_APEX_CLASS} {
    /** The Case's contact as JSON {"Id": "003…", "Name": "…"}, or '' when it has none or is not visible. */
    webService static String caseContact(String caseId) {
        if (String.isBlank(caseId)) {
            return '';
        }
        Id id;
        try {
            id = Id.valueOf(caseId);
        } catch (StringException e) {
            return '';
        }
        List<Case> found = [SELECT ContactId, Contact.Name FROM Case WHERE Id = :id LIMIT 1];
        if (found.isEmpty() || found[0].ContactId == null) {
            return '';
        }
        return JSON.serialize(new Map<String, String>{ 'Id' => String.valueOf(found[0].ContactId), 'Name' => found[0].Contact.Name });
    }
}
`;

export const RECORDS_APEX_TEST = `@IsTest
private class ${RECORDS_APEX_TEST_CLASS} {
    @IsTest
    static void answersTheCasesContact() {
        Contact person = new Contact(FirstName = 'Maria', LastName = 'Lopez');
        insert person;
        Case withContact = new Case(Subject = 'Router keeps rebooting', ContactId = person.Id);
        Case withoutContact = new Case(Subject = 'Nobody called');
        insert new List<Case>{ withContact, withoutContact };
        Map<String, Object> answer = (Map<String, Object>) JSON.deserializeUntyped(${RECORDS_APEX_CLASS}.caseContact(withContact.Id));
        System.assertEquals(String.valueOf(person.Id), answer.get('Id'));
        System.assertEquals('Maria Lopez', answer.get('Name'));
        System.assertEquals('', ${RECORDS_APEX_CLASS}.caseContact(withoutContact.Id));
    }

    @IsTest
    static void answersNothingForBadInput() {
        System.assertEquals('', ${RECORDS_APEX_CLASS}.caseContact(''));
        System.assertEquals('', ${RECORDS_APEX_CLASS}.caseContact(null));
        System.assertEquals('', ${RECORDS_APEX_CLASS}.caseContact('not an id'));
    }
}
`;
