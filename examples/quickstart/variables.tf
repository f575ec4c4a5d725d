# Defaults fit zoom-sim started with `zoom-sim --users 5 --listen 127.0.0.1:9440`.
# Against a real Zoom account, set the URLs to Zoom's (or leave them out of the provider
# block) and pass your Server-to-Server OAuth app's credentials.

variable "zoom_api_url" {
  description = "Base URL of the Zoom REST API."
  type        = string
  default     = "http://127.0.0.1:9440/v2"
}

variable "zoom_token_url" {
  description = "Zoom's OAuth token endpoint."
  type        = string
  default     = "http://127.0.0.1:9440/oauth/token"
}

variable "zoom_account_id" {
  description = "Account ID of the Server-to-Server OAuth app."
  type        = string
  default     = "sim-account"
}

variable "zoom_client_id" {
  description = "Client ID of the Server-to-Server OAuth app."
  type        = string
  default     = "sim-client"
}

variable "zoom_client_secret" {
  description = "Client secret of the Server-to-Server OAuth app."
  type        = string
  default     = "sim-secret"
  sensitive   = true
}
