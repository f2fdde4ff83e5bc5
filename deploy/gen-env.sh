#!/usr/bin/env bash
# Prints .env.example with every empty secret filled in with a fresh random value:
#   deploy/gen-env.sh > .env
# Passwords and the internal token: 32 hex digits; TOKEN_SIGNING_KEY: base64url of 32 bytes.
set -euo pipefail
example="${1:-$(cd "$(dirname "$0")/.." && pwd)/.env.example}"
hex() { head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
b64url() { head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'; }
while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
        IDENTITY_DB_PASSWORD=|DOCUMENTS_DB_PASSWORD=|APPROVAL_DB_PASSWORD=|REPORTING_DB_PASSWORD=|INTERNAL_TOKEN=)
            echo "$line$(hex)" ;;
        TOKEN_SIGNING_KEY=)
            echo "$line$(b64url)" ;;
        REPORTING_DATA_KEY=)
            echo "$line$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" ;;
        *) echo "$line" ;;
    esac
done < "$example"
