/**
 * Behaving fakes of `sforce.opencti` (Lightning) and `sforce.interaction` (Classic) over a
 * `FakeOrg`, for the bridges' unit tests. They do what the real libraries do as far as a softphone
 * can see: argument checks that throw with Salesforce's messages, callbacks answered later with
 * `{success, returnValue, errors}` (Lightning) or `{result, error}` with JSON-string results
 * (Classic), listeners that are never removed, SCREEN_POP_DATA for deferred searches, saveLog
 * validation by the org — plus failure injection per method (fail, hang, throw).
 */
import type { SalesforceErrorItem } from '../shared/salesforce-error.ts';
import type { FakeOrg } from '../fake/fake-org.ts';
import { createFakeInteraction } from './fake-interaction.ts';
import { createFakeOpencti, type FakeHvs } from './fake-opencti.ts';
import { createSforceRecorder } from './sforce-recorder.ts';

export { MISSING_CALLBACK, MISSING_LISTENER, MISSING_VALUE, ONE_OBJECT } from './sforce-arguments.ts';
export { classicUrlFor } from './fake-interaction.ts';

export interface FakeSforceControl {
  /** The `sforce` object installed on the target. */
  readonly sforce: { opencti: Record<string, unknown>; interaction: Record<string, unknown> };
  /** Every call: which API, which method, the arguments as passed. */
  readonly calls: { readonly api: 'opencti' | 'interaction'; readonly method: string; readonly args: readonly unknown[] }[];
  /** Calls whose callback has not been answered (hung). */
  readonly hung: string[];
  /** The next call of `method` answers with success:false (Classic: `{error}`). */
  failNext(method: string, errors?: readonly SalesforceErrorItem[]): void;
  /** The next call of `method` never answers. */
  hangNext(method: string): void;
  /** The next call of `method` throws synchronously (as an argument check would). */
  throwNext(method: string, message: string): void;
  /** Sales Engagement: starts a piece of work (hvs.onWorkStart listeners fire). */
  startWork(work: { workId: string; to: string }): void;
  /** hvs.completeWork calls received. */
  readonly completedWork: unknown[];
}

/**
 * Installs `sforce.opencti` and `sforce.interaction` on `target` (a FakeWindow, or any object).
 * `apiVersion` below 47 leaves out LMS, below 46 hvs, as the real library does.
 */
export function installFakeSforce(target: { sforce?: unknown }, org: FakeOrg, options: { readonly apiVersion?: number } = {}): FakeSforceControl {
  const apiVersion = options.apiVersion ?? 62;
  const recorder = createSforceRecorder();
  const { calls, hung } = recorder;
  const hvs: FakeHvs = { workListeners: [], completedWork: [] };
  const { workListeners, completedWork } = hvs;
  const opencti = createFakeOpencti(org, recorder, apiVersion, hvs);
  const interaction = createFakeInteraction(org, recorder);

  const sforce = { opencti, interaction };
  target.sforce = sforce;

  return {
    sforce,
    calls,
    hung,
    completedWork,
    failNext(method, errors = [{ code: 'GENERIC_ERROR', description: `${method} failed (injected)` }]) {
      recorder.inject(method, { kind: 'fail', errors });
    },
    hangNext(method) {
      recorder.inject(method, { kind: 'hang' });
    },
    throwNext(method, message) {
      recorder.inject(method, { kind: 'throw', message });
    },
    startWork(work) {
      for (const l of workListeners) queueMicrotask(() => l({ workId: work.workId, completeWorkWhen: 'TaskSaved', attributes: { to: work.to } }));
    },
  };
}
