import { describe, expect, it } from 'vitest';
import { hashPassword, UNUSABLE_HASH, verifyPassword } from './password.js';

describe('password hashes (scrypt, salt per user)', () => {
  it('verifies the right password only', async () => {
    const hash = await hashPassword('frank-demo');
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(await verifyPassword('frank-demo', hash)).toBe(true);
    expect(await verifyPassword('frank-demo!', hash)).toBe(false);
  });

  it('salts: the same password hashes differently, unless the salt is given', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
    const salt = Buffer.alloc(16, 7);
    expect(await hashPassword('same', salt)).toBe(await hashPassword('same', salt));
  });

  it('matches nothing with the unusable hash or a malformed one', async () => {
    expect(await verifyPassword('', UNUSABLE_HASH)).toBe(false);
    expect(await verifyPassword('x', 'plain-text')).toBe(false);
  });
});
