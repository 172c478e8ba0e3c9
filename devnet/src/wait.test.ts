import { describe, expect, it } from 'vitest';
import { waitFor } from './wait.ts';

describe('waitFor', () => {
  it('returns the first truthy value of the condition', async () => {
    let calls = 0;
    await expect(waitFor(() => (++calls >= 3 ? calls : null), { timeoutMs: 2000, intervalMs: 5 })).resolves.toBe(3);
  });

  it('treats a throwing condition as unmet and names the last error at the deadline', async () => {
    await expect(
      waitFor(
        () => {
          throw new Error('connection refused');
        },
        { timeoutMs: 60, intervalMs: 10, message: () => 'height 5' },
      ),
    ).rejects.toThrow(
      expect.objectContaining({
        code: 'DEVNET_TIMEOUT',
        message: expect.stringMatching(/waiting for height 5 \(last error: connection refused\)/),
      }),
    );
  });
});
