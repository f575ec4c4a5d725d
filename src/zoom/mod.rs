//! Zoom API client (to be written).
