// Giving the page a turn: start-up work is cut into slices with other tasks (Flex's own
// start-up, input, rendering) allowed to run between them.

/** Resolves in a new task, after the page's other pending tasks had their chance. */
export function yieldToPage(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(undefined);
  });
}
