import type { OrderView } from './order-state';
import type { FlagChange, LabFlag, LabFrame, SagaTimeline } from './console/lab-frame';

/** The BFF's answers that the storefront reads. */
export interface Product {
  sku: string;
  name: string;
  priceCents: number;
  category: string | null;
  available: number | null;
  /** The newest image's thumbnails (URLs on the BFF); null: none yet. Absent from an older BFF. */
  image?: { imageId: string; width: number; height: number; thumbnails: { size: number; width: number; height: number; url: string }[] } | null;
}

export interface ProductDetail extends Product {
  description: string;
  onHand: number | null;
  reserved: number | null;
}

export interface HistoryEntry {
  orderId: string;
  status: string | null;
  totalCents: number | null;
  itemCount: number;
  createdAt: string | null;
}

export interface History {
  userId: string;
  summary: { orderCount?: number; confirmedCount?: number; totalSpentCents?: number } | null;
  orders: HistoryEntry[] | null;
  missing: string[];
}

export interface Session {
  token: string;
  userId: string;
  name: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function call<T>(path: string, init: RequestInit & { token?: string; consoleToken?: string } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.body) headers['content-type'] = 'application/json';
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.consoleToken) headers['x-frank-console-token'] = init.consoleToken;
  let answer: Response;
  try {
    answer = await fetch(path, { ...init, headers });
  } catch {
    throw new ApiError(0, 'The shop cannot be reached; check your connection and try again.');
  }
  const body = (await answer.json().catch(() => null)) as { error?: { message?: string; field?: string } } | null;
  if (!answer.ok) throw new ApiError(answer.status, body?.error?.message ?? `The shop answered ${answer.status}.`, body?.error?.field);
  return body as T;
}

/** The display name from the token's claims (user-service signs them; the BFF checks them). */
function nameOf(token: string): string {
  try {
    const payload = JSON.parse(atob(token.split('.')[1]!.replaceAll('-', '+').replaceAll('_', '/'))) as { name?: string; email?: string };
    return payload.name || payload.email || 'you';
  } catch {
    return 'you';
  }
}

export async function login(email: string, password: string): Promise<Session> {
  const answer = await call<{ token: string; userId: string }>('/api/auth/login', { method: 'POST', body: JSON.stringify({ email, password }) });
  return { token: answer.token, userId: answer.userId, name: nameOf(answer.token) };
}

export async function listProducts(category?: string): Promise<Product[]> {
  const query = new URLSearchParams({ limit: '200' });
  if (category) query.set('category', category);
  return (await call<{ items: Product[] }>(`/api/products?${query}`)).items;
}

export function getProduct(sku: string): Promise<ProductDetail> {
  return call<ProductDetail>(`/api/products/${encodeURIComponent(sku)}`);
}

export function placeOrder(token: string, items: { sku: string; qty: number }[]): Promise<{ orderId: string; sagaId: string }> {
  return call('/api/orders', { method: 'POST', token, body: JSON.stringify({ items }) });
}

export function getOrder(token: string, orderId: string): Promise<OrderView> {
  return call<OrderView>(`/api/orders/${encodeURIComponent(orderId)}`, { token });
}

export function getHistory(token: string, userId: string): Promise<History> {
  return call<History>(`/api/users/${encodeURIComponent(userId)}/orders?limit=20`, { token });
}

/** The lab console's calls (the BFF answers them with the frank CLI). */
export function getSagaTimeline(id: string): Promise<SagaTimeline> {
  return call<SagaTimeline>(`/api/lab/sagas/${encodeURIComponent(id)}`);
}

export function getLabFrame(): Promise<LabFrame> {
  return call<LabFrame>('/api/lab/frame');
}

/** The lab's console token, read once from the BFF (which gives it only to its own page): faults and heals carry it. */
let consoleToken: Promise<string> | undefined;
function labToken(): Promise<string> {
  consoleToken ??= call<{ token: string }>('/api/lab/session').then(
    (session) => session.token,
    (error: unknown) => {
      consoleToken = undefined;
      throw error;
    },
  );
  return consoleToken;
}

export async function injectFault(body: Record<string, string>): Promise<{ fault: { id: string; label: string }; for?: string }> {
  return call('/api/lab/faults', { method: 'POST', body: JSON.stringify(body), consoleToken: await labToken() });
}

export async function healFaults(): Promise<{ healed: { id: string; label: string }[] }> {
  return call('/api/lab/faults/heal', { method: 'POST', body: '{}', consoleToken: await labToken() });
}

export async function listFlags(): Promise<{ flags: LabFlag[] }> {
  return call('/api/lab/flags');
}

/** The same path as `frank flags set`: answers once the flag's service reads the new state. */
export async function setFlag(name: string, on: boolean): Promise<FlagChange> {
  return call('/api/lab/flags', { method: 'POST', body: JSON.stringify({ name, on }), consoleToken: await labToken() });
}
