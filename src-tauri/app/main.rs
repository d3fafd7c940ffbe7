// No console window on Windows release builds; `crm-desk info` still prints when run from one.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    crm_desk_lib::main()
}
