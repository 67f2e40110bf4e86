/**
 * A promise that resolves in the next task of the event loop (after every microtask queued now), by
 * a message to ourselves: unlike setTimeout it is not held back to once a second in a background tab.
 * The channel is closed once nothing waits, so an idle page (or a Node test) keeps no port open.
 */
let channel: MessageChannel | undefined;
const waiting: (() => void)[] = [];

export function nextTask(): Promise<void> {
  return new Promise<void>((resolve) => {
    if (!channel) {
      const opened = new MessageChannel();
      opened.port1.onmessage = () => {
        waiting.shift()?.();
        if (waiting.length === 0 && channel === opened) {
          opened.port1.close();
          channel = undefined;
        }
      };
      channel = opened;
    }
    waiting.push(resolve);
    channel.port2.postMessage(undefined);
  });
}
