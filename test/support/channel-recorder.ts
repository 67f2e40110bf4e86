/**
 * Records every BroadcastChannel message a page (or frame) of a browser context posts or receives,
 * as JSON, in `window.__channelLog`: install with `context.addInitScript(RECORD_CHANNELS)` before
 * any page script runs. The tab-channel tests read it to prove what crossed the channel.
 */
export const RECORD_CHANNELS = `(() => {
  const log = [];
  window.__channelLog = log;
  const Original = BroadcastChannel;
  const post = Original.prototype.postMessage;
  Original.prototype.postMessage = function (message) {
    log.push({ dir: 'out', name: this.name, json: JSON.stringify(message) });
    return post.call(this, message);
  };
  window.BroadcastChannel = class extends Original {
    constructor(name) {
      super(name);
      super.addEventListener('message', (e) => log.push({ dir: 'in', name, json: JSON.stringify(e.data) }));
    }
  };
})()`;

export interface ChannelRecord {
  readonly dir: 'in' | 'out';
  readonly name: string;
  readonly json: string;
}
