//! What every handler can reach.

use me_core::Core;

#[derive(Clone)]
pub struct AppState {
    pub core: Core,
}
