/**
 * The Apex class behind the call-log outbox's lookup (src/crm/outbox/log-writer.ts documents the
 * contract): before writing a log again after a save whose answer was lost, the softphone asks,
 * through Open CTI `runApex`, whether a Task with that CallObject already exists for the agent.
 * Without this class in the org the outbox still logs every call, but at least once rather than
 * exactly once (it warns). The test class covers it for deployment to production (75 % rule).
 */
export const CALL_LOG_APEX_CLASS = 'SwitchboardCallLog';
export const CALL_LOG_APEX_TEST_CLASS = 'SwitchboardCallLogTest';

export const CALL_LOG_APEX = `/**
 * Switchboard softphone: finds the call log a save whose answer was lost may have written, so the
 * softphone never writes a call's log twice. Called through Open CTI runApex with
 * methodParams 'callObject=<call id>&objectApiName=Task'.
 */
global with sharing class ${CALL_LOG_APEX_CLASS} {
    /** The Id of the running agent's newest Task with this CallObject, or '' when there is none. */
    webService static String findByCallObject(String callObject, String objectApiName) {
        if (String.isBlank(callObject)) {
            return '';
        }
        // Only Task carries CallObject; any other object cannot hold a call log.
        if (String.isNotBlank(objectApiName) && objectApiName != 'Task') {
            return '';
        }
        Id ownerId = UserInfo.getUserId();
        List<Task> found = [
            SELECT Id FROM Task
            WHERE CallObject = :callObject AND OwnerId = :ownerId
            ORDER BY CreatedDate DESC
            LIMIT 1
        ];
        return found.isEmpty() ? '' : String.valueOf(found[0].Id);
    }
}
`;

export const CALL_LOG_APEX_TEST = `@IsTest
private class ${CALL_LOG_APEX_TEST_CLASS} {
    @IsTest
    static void findsTheAgentsLogByCallObject() {
        System.assertEquals('', ${CALL_LOG_APEX_CLASS}.findByCallObject('call-1@pbx.example.com', 'Task'));
        Task log = new Task(Subject = 'Inbound call', CallObject = 'call-1@pbx.example.com', Status = 'Completed', Priority = 'Normal', OwnerId = UserInfo.getUserId());
        insert log;
        System.assertEquals(String.valueOf(log.Id), ${CALL_LOG_APEX_CLASS}.findByCallObject('call-1@pbx.example.com', 'Task'));
        System.assertEquals(String.valueOf(log.Id), ${CALL_LOG_APEX_CLASS}.findByCallObject('call-1@pbx.example.com', ''));
        System.assertEquals('', ${CALL_LOG_APEX_CLASS}.findByCallObject('call-2@pbx.example.com', 'Task'));
    }

    @IsTest
    static void answersNothingForBadInput() {
        System.assertEquals('', ${CALL_LOG_APEX_CLASS}.findByCallObject('', 'Task'));
        System.assertEquals('', ${CALL_LOG_APEX_CLASS}.findByCallObject(null, null));
        System.assertEquals('', ${CALL_LOG_APEX_CLASS}.findByCallObject('call-1@pbx.example.com', 'Account'));
    }
}
`;
