"""The audit trail's writer, `accounts.audit.audit_record`, under the name the marketplace's
services import it by."""

from accounts.audit import audit_record as audit_record
