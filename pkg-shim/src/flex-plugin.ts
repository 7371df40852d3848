// The part of a Flex plugin's runtime contract this bundle needs: a class Flex can
// construct (`new Plugin()`), with a name, a version and `init(flex, manager)`, handed
// to `Twilio.Flex.Plugins.init` when the bundle loads. Same contract as the
// `FlexPlugin` base class of `@twilio/flex-plugin`, whose fields are filled in by
// flex-plugin-scripts' webpack at build time; here they come from package.json.
import type * as Flex from "@twilio/flex-ui";

export type FlexGlobal = typeof Flex;

export abstract class FlexPlugin {
  readonly name: string;
  readonly uniqueName: string;
  readonly version: string;
  readonly dependencies: Record<string, string>;

  protected constructor(name: string, uniqueName: string, version: string, dependencies: Record<string, string>) {
    this.name = name;
    this.uniqueName = uniqueName;
    this.version = version;
    this.dependencies = dependencies;
    // The line Flex's own base class logs, in a task of its own: with developer tools open a
    // console message captures the stack, and this constructor's runs through the whole
    // bundle's top-level code (the embedded module included), milliseconds to map.
    setTimeout(() => console.log(`loading ${uniqueName}@${version} plugin`));
  }

  abstract init(flex: FlexGlobal, manager: Flex.Manager): Promise<void>;
}

export type PluginConstructor = new () => FlexPlugin;

/** Hands the plugin class to Flex, which constructs it and calls `init`. */
export function loadPlugin(plugin: PluginConstructor): void {
  const flex = typeof window === "undefined" ? undefined : window.Twilio?.Flex;
  if (flex?.Plugins) {
    flex.Plugins.init(plugin);
  } else {
    console.warn("This version of Flex does not appear to support plugins.");
  }
}
