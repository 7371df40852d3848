// Bundle entry: hands the plugin class to Flex as soon as the script runs.
import { loadPlugin } from "./flex-plugin";
import { ChatToVideoPlugin } from "./plugin";

loadPlugin(ChatToVideoPlugin);
