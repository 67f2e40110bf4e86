// Behaving fakes of the CRM side, for other layers' unit tests.
export { FakeCrm, type FakeCrmOptions } from './fake-crm.ts';
export {
  FakeOrg,
  DEFAULT_LAYOUT,
  DEFAULT_CALL_CENTER_SETTINGS,
  seededRandom,
  type FakeRecord,
  type StoredRecord,
  type SavedTask,
  type FakePop,
  type SaveFailureMode,
  type SaveOutcome,
  type FakeOrgOptions,
  type ApexHandler,
  type FakeCredentialMinting,
} from './fake-org.ts';
export { TASK_FIELDS } from './task-validation.ts';
export { FakeSurface } from './fake-surface.ts';
export { FakeClock, flushAsync } from '../testing/fake-clock.ts';
export { MemoryStorage } from '../outbox/memory-storage.ts';
