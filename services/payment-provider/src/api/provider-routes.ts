import { HttpError, validate } from '@frank/kit';
import type { Express } from 'express';
import { z } from 'zod';
import { behaviourUpdateSchema } from '../domain/behaviour.js';
import type { PaymentSimulator } from '../domain/payment-simulator.js';

const paymentRequestSchema = z.object({
  paymentId: z.string().min(1).max(200),
  amountCents: z.number().int().positive(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR'),
});

const refundRequestSchema = z.object({
  paymentId: z.string().min(1).max(200),
  amountCents: z.number().int().positive(),
});

/** zod names an unknown key only in the issue's `keys`; the client deserves the key's name. */
function validateBehaviourUpdate(body: unknown) {
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const unknown = Object.keys(body).find((key) => !(key in behaviourUpdateSchema.shape));
    if (unknown)
      throw new HttpError(400, 'validation-failed', `${unknown}: not a behaviour setting (use ${Object.keys(behaviourUpdateSchema.shape).join(', ')})`, {
        field: unknown,
      });
  }
  return validate(behaviourUpdateSchema, body);
}

export function addProviderRoutes(app: Express, simulator: PaymentSimulator): void {
  app.post('/payments', (req, res) => {
    const request = validate(paymentRequestSchema, req.body);
    res.status(202).json(simulator.accept(request));
  });

  app.post('/refunds', (req, res) => {
    const request = validate(refundRequestSchema, req.body);
    res.status(200).json(simulator.refund(request));
  });

  app.get('/admin/behaviour', (_req, res) => {
    res.json(simulator.behaviour);
  });

  app.put('/admin/behaviour', (req, res) => {
    res.json(simulator.updateBehaviour(validateBehaviourUpdate(req.body)));
  });

  app.post('/admin/behaviour/reset', (_req, res) => {
    res.json(simulator.resetBehaviour());
  });
}
