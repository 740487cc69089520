//! A clipboard that records copies instead of touching any (the whole-app harness).

use std::sync::{Arc, Mutex};

use vital_onboard::clipboard::{Clipboard, NativeCopy};

#[derive(Debug, Default, Clone)]
pub struct Recorder {
    /// Every text set, in order; a clear of the last one adds an empty entry.
    pub copies: Arc<Mutex<Vec<String>>>,
    /// Whether to report the native clipboard as present.
    pub native: bool,
}

impl Clipboard for Recorder {
    fn set(&mut self, text: &str) -> NativeCopy {
        self.copies.lock().unwrap().push(text.to_string());
        if self.native {
            NativeCopy::Took { tries: 1 }
        } else {
            NativeCopy::Absent
        }
    }

    fn clear_if(&mut self, text: &str) {
        let mut c = self.copies.lock().unwrap();
        if c.last().map(String::as_str) == Some(text) {
            c.push(String::new());
        }
    }
}
