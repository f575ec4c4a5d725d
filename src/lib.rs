//! terraform-provider-zoom as a library: the Zoom client and the simulator (this branch).
pub mod sim;
pub mod zoom;
