// sfdx-lwc-jest tests of the switchboardPresenceBridge LWC, run by test/callcenter/package-lwc.test.ts
// against the component `switchboard package build` generates: it subscribes to the presence
// channel for the whole application, re-fires the softphone's changes to the Aura bridge around it
// as 'presencechange', ignores what the Omni side published, and lets the channel go when removed.
import { createElement } from 'lwc';
import SwitchboardPresenceBridge from 'c/switchboardPresenceBridge';
import { subscribe, unsubscribe, APPLICATION_SCOPE } from 'lightning/messageService';
import PRESENCE from '@salesforce/messageChannel/SwitchboardPresence__c';

function mount() {
  const element = createElement('c-switchboard-presence-bridge', { is: SwitchboardPresenceBridge });
  const events = [];
  element.addEventListener('presencechange', (e) => events.push(e.detail));
  document.body.appendChild(element);
  return { element, events };
}

afterEach(() => {
  while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
  jest.clearAllMocks();
});

describe('c-switchboard-presence-bridge', () => {
  it('subscribes once to the presence channel in application scope', () => {
    mount();
    expect(subscribe).toHaveBeenCalledTimes(1);
    const [, channel, , options] = subscribe.mock.calls[0];
    expect(channel).toBe(PRESENCE);
    expect(options).toEqual({ scope: APPLICATION_SCOPE });
  });

  it("re-fires the softphone's presence changes as presencechange {status, reasonId}", () => {
    const { events } = mount();
    const onMessage = subscribe.mock.calls[0][2];
    onMessage({ status: 'away', reasonId: 'Break', source: 'softphone' });
    onMessage({ status: 'available', source: 'softphone' });
    expect(events).toEqual([
      { status: 'away', reasonId: 'Break' },
      { status: 'available', reasonId: null },
    ]);
  });

  it("ignores the Omni side's own messages and malformed ones (no echo loop)", () => {
    const { events } = mount();
    const onMessage = subscribe.mock.calls[0][2];
    onMessage({ status: 'away', reasonId: 'Break', source: 'omni' });
    onMessage({ source: 'softphone' });
    onMessage(undefined);
    expect(events).toEqual([]);
  });

  it('unsubscribes when removed from the page', () => {
    const subscription = { id: 'presence' };
    subscribe.mockReturnValue(subscription);
    const { element } = mount();
    document.body.removeChild(element);
    expect(unsubscribe).toHaveBeenCalledWith(subscription);
  });
});
