//! Zoom API simulator (to be written).
