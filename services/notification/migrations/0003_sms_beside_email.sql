-- The flag notification.sms sends an SMS beside the e-mail: one delivery per order, template and
-- channel. The unique key still makes a redelivered payment.completed send nothing twice.
ALTER TABLE notification_domain.deliveries DROP CONSTRAINT deliveries_order_id_template_key;
ALTER TABLE notification_domain.deliveries ADD CONSTRAINT deliveries_order_id_template_channel_key UNIQUE (order_id, template, channel);
