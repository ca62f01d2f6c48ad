"""The directory's REST API (`/api/v1/`) and its Open Referral HSDS 3.0 API (`/api/hsds/`)."""
