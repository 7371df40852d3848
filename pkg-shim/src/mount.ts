// React components that hand a DOM element to the WebAssembly module and free what
// it mounted when React unmounts them. They hold no logic of their own.
import type { ITask, TaskContextProps } from "@twilio/flex-ui";
import type { Mounted } from "chat-to-video-wasm";
import type * as ReactNS from "react";

type ReactGlobal = typeof ReactNS;

/** Mounts into `el` what belongs to `props`; the handle is freed on unmount. */
export type MountFn = (el: HTMLElement, task: ITask, conversation: unknown) => Mounted;

/**
 * A function component rendering one `<div>` whose content the module owns.
 * It mounts once the task is known, calls `update` when the task or conversation
 * changes, and frees the handle when React unmounts it or the task goes away.
 */
export function mountComponent(React: ReactGlobal, className: string, mount: MountFn): ReactNS.FunctionComponent<TaskContextProps> {
  function ChatToVideoMount(props: TaskContextProps): ReactNS.ReactElement {
    const { task, conversation } = props;
    const el = React.useRef<HTMLDivElement>(null);
    const handle = React.useRef<Mounted | null>(null);
    const shown = React.useRef<{ task?: ITask; conversation?: unknown }>({});

    React.useEffect(() => {
      const node = el.current;
      if (node === null || task === undefined) return undefined;
      let mounted: Mounted;
      try {
        mounted = mount(node, task, conversation);
      } catch (err) {
        console.error(`[plugin-chat-to-video] could not mount ${className}`, err);
        return undefined;
      }
      handle.current = mounted;
      shown.current = { task, conversation };
      return () => {
        handle.current = null;
        mounted.free();
      };
      // Mount again only when a task appears or disappears; other changes go to `update`.
    }, [task === undefined]);

    React.useEffect(() => {
      const mounted = handle.current;
      if (mounted === null || task === undefined) return;
      if (shown.current.task === task && shown.current.conversation === conversation) return;
      shown.current = { task, conversation };
      mounted.update(task, conversation);
    }, [task, conversation]);

    return React.createElement("div", { ref: el, className });
  }
  ChatToVideoMount.displayName = `ChatToVideo(${className})`;
  return ChatToVideoMount;
}
