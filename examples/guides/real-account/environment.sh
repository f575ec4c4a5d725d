# The app's App Credentials page has all three. Keep them out of .tf files and history,
# e.g. in a password manager or your CI's secret store.
export ZOOM_ACCOUNT_ID="your-account-id"
export ZOOM_CLIENT_ID="your-client-id"
export ZOOM_CLIENT_SECRET="your-client-secret"
