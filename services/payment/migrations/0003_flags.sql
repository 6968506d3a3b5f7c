-- Feature flags (Unleash, read through the kit): the kill switch fails a payment at once with its
-- own reason, and each payment records the provider path it was opened on, so a flip mid-saga
-- never changes the path of a payment already open.
ALTER TABLE payment_domain.payments DROP CONSTRAINT payments_failure_reason_check;
ALTER TABLE payment_domain.payments
  ADD CONSTRAINT payments_failure_reason_check CHECK (failure_reason IN ('declined', 'timeout', 'provider-error', 'kill-switch'));
ALTER TABLE payment_domain.payments
  ADD COLUMN provider_path text NOT NULL DEFAULT 'v1' CHECK (provider_path IN ('v1', 'v2'));
