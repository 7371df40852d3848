// The task context plugins read: `withTaskContext(Component)` injects the selected task
// and its conversation, and `Tab` is the component a plugin adds to TaskCanvasTabs.
import { React, h } from "../../common/h.js";

export const TaskContext = React.createContext({ task: undefined, conversation: undefined });

export function TaskContextProvider({ task, conversation, children }) {
  const value = React.useMemo(() => ({ task, conversation }), [task, conversation]);
  return h(TaskContext.Provider, { value }, children);
}

export function withTaskContext(Component) {
  function WithTaskContext(props) {
    const context = React.useContext(TaskContext);
    return h(Component, { task: context.task, conversation: context.conversation, ...props });
  }
  WithTaskContext.displayName = `withTaskContext(${Component.displayName || Component.name || "Component"})`;
  return WithTaskContext;
}

/** A tab's panel; TaskCanvasTabs reads its `label` and `uniqueName` for the tab bar. */
export function Tab({ uniqueName, children }) {
  return h("div", { className: "tab-panel", "data-tab-panel": uniqueName, role: "tabpanel" }, children);
}
Tab.displayName = "Tab";
