// Setup page for the Switchboard connector: a call center's switchboard settings as a form, each
// field checked by the Call Center linter itself (settingsRules.js, bundled from the repository's
// TypeScript at package build time), a live connection test from the admin's browser
// (sipConnectionTest.js, the same code as the console emulator's), and saving through
// SwitchboardSetupController, which calls the Metadata API: CallCenter is metadata, not a record.
import { LightningElement } from 'lwc';
import listCallCenters from '@salesforce/apex/SwitchboardSetupController.listCallCenters';
import readCallCenter from '@salesforce/apex/SwitchboardSetupController.readCallCenter';
import saveCallCenter from '@salesforce/apex/SwitchboardSetupController.saveCallCenter';
import { FIELDS, checkSettings, describeCallCenter, readSettings } from './settingsRules';
import { connectionTestMessage, testSipWebSocket } from './sipConnectionTest';

function messageOf(error) {
  // Apex errors reach LWC as { body: { message } }; others are Errors.
  if (error && error.body && error.body.message) return error.body.message;
  return error && error.message ? error.message : String(error);
}

export default class SwitchboardSetup extends LightningElement {
  callCenters = [];
  internalName;
  loadedXml;
  values = {};
  check;
  saved;
  status;
  loadError;
  testOutcome;
  testing = false;
  saving = false;

  connectedCallback() {
    this.start();
  }

  async start() {
    try {
      this.callCenters = await listCallCenters();
      if (this.callCenters.length) await this.load(this.callCenters[0].InternalName);
    } catch (e) {
      this.loadError = messageOf(e);
    }
  }

  async load(internalName) {
    this.internalName = internalName;
    this.loadError = undefined;
    this.status = undefined;
    this.saved = undefined;
    try {
      this.loadedXml = await readCallCenter({ internalName });
      this.values = readSettings(this.loadedXml);
      this.check = checkSettings(this.loadedXml, internalName, this.values);
      this.saved = describeCallCenter(this.loadedXml, internalName);
    } catch (e) {
      this.loadedXml = undefined;
      this.loadError = messageOf(e);
    }
  }

  get hasCallCenters() {
    return this.callCenters.length > 0;
  }

  get noCallCenters() {
    return !this.loadError && this.callCenters.length === 0;
  }

  get callCenterOptions() {
    return this.callCenters.map((c) => ({ value: c.InternalName, label: `${c.Name} (${c.InternalName})`, selected: c.InternalName === this.internalName }));
  }

  get loaded() {
    return this.loadedXml !== undefined;
  }

  get fields() {
    const problems = this.check ? this.check.problems : [];
    return FIELDS.map((f) => {
      const value = this.values[f.name] ?? '';
      const own = problems
        .filter((p) => p.item === f.name)
        .map((p, i) => ({
          key: `${f.name}-${i}`,
          text: `${p.severity} ${p.rule}: ${p.message} ${p.fix}`,
          role: p.severity === 'error' ? 'alert' : 'note',
          className: p.severity === 'error' ? 'slds-form-element__help slds-text-color_error' : 'slds-form-element__help slds-text-color_weak',
        }));
      const blank = f.default !== undefined ? `(default: ${f.default})` : '(none)';
      return {
        ...f,
        value,
        label: `${f.required ? '* ' : ''}${f.label}`,
        isChoice: Boolean(f.choices),
        options: [
          { value: '', label: blank, selected: value === '' },
          ...(f.choices || []).map((c) => ({ value: c, label: c, selected: value.toLowerCase() === c })),
        ],
        inputType: f.secret ? 'password' : 'text',
        placeholder: f.default ?? '',
        isWebSocketUrl: f.name === 'sipWebSocketUrl',
        problems: own,
        className: own.some((p) => p.role === 'alert') ? 'slds-form-element slds-has-error slds-m-bottom_small' : 'slds-form-element slds-m-bottom_small',
      };
    });
  }

  /** Problems the linter finds elsewhere in the call center: shown, but they are not this page's to fix. */
  get otherProblems() {
    return (this.check ? this.check.problems : [])
      .filter((p) => p.item === '')
      .map((p, i) => ({ key: `other-${i}`, text: `Line ${p.line}: ${p.severity} ${p.rule}: ${p.message} ${p.fix}` }));
  }

  get pendingXml() {
    return this.check ? this.check.xml : '';
  }

  get testSucceeded() {
    return Boolean(this.testOutcome && this.testOutcome.ok);
  }

  get testMessage() {
    return this.testOutcome ? this.testOutcome.message : '';
  }

  get savedSections() {
    return this.saved ? this.saved.sections.map((s) => ({ ...s, items: s.items.map((i) => ({ ...i, key: `${s.name}/${i.name}` })) })) : [];
  }

  handleCallCenter(event) {
    this.load(event.target.value);
  }

  handleChange(event) {
    this.values = { ...this.values, [event.target.dataset.name]: event.target.value };
    this.check = checkSettings(this.loadedXml, this.internalName, this.values);
    this.status = undefined;
  }

  async handleTest() {
    this.testing = true;
    this.testOutcome = undefined;
    const url = (this.values.sipWebSocketUrl || '').trim();
    const outcome = await testSipWebSocket(url, (this.values.sipDomain || '').trim() || 'invalid');
    let message = connectionTestMessage(outcome);
    // Lightning lets a component open a WebSocket only to a CSP Trusted Site (connect-src).
    if (!outcome.ok && /^wss?:\/\//i.test(url))
      message += ` In Salesforce the host must also be a CSP Trusted Site with connect-src (Setup > Trusted URLs): ${url.replace(/^(wss?:\/\/[^/]+).*$/i, '$1')}.`;
    this.testOutcome = { ok: outcome.ok, message };
    this.testing = false;
  }

  async handleSave(event) {
    event.preventDefault();
    this.check = checkSettings(this.loadedXml, this.internalName, this.values);
    if (this.check.blocked) {
      this.status = { ok: false, text: `Not saved: ${this.check.problems.filter((p) => p.item !== '' && p.severity === 'error').length} error(s).` };
      return;
    }
    this.saving = true;
    try {
      const savedXml = await saveCallCenter({ internalName: this.internalName, callCenterXml: this.check.xml });
      this.loadedXml = savedXml;
      this.values = readSettings(savedXml);
      this.check = checkSettings(savedXml, this.internalName, this.values);
      this.saved = describeCallCenter(savedXml, this.internalName);
      this.status = { ok: true, text: 'Saved. Softphones read the new settings at their next start.' };
    } catch (e) {
      this.status = { ok: false, text: `Not saved: ${messageOf(e)}` };
    } finally {
      this.saving = false;
    }
  }

  get statusOk() {
    return Boolean(this.status && this.status.ok);
  }

  get statusText() {
    return this.status ? this.status.text : '';
  }
}
