use std::process::ExitCode;

use plugin_host::config::Settings;

#[tokio::main]
async fn main() -> ExitCode {
    let settings = match Settings::load() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("plugin-host: {e}");
            return ExitCode::from(2);
        }
    };
    plugin_host::observe::logs::init(settings.log_format);
    match plugin_host::app::run(settings).await {
        Ok(()) => ExitCode::SUCCESS,
        // A sandbox refused on a public address is a configuration problem, like a bad value.
        Err(
            e
            @ (plugin_host::app::StartError::Exposed(_) | plugin_host::app::StartError::Config(_)),
        ) => {
            eprintln!("plugin-host: {e}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("plugin-host: {e}");
            ExitCode::FAILURE
        }
    }
}
