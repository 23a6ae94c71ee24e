/** The Go interop program builds (its real tests: go-sarama.test.ts, ../mux/protojson-oracle.test.ts). */
import { buildGoInterop, runGo } from '../helpers/go.js';

jest.setTimeout(300_000);

test('the Go interop program builds with sarama and protojson and refuses an unknown command', async () => {
  const bin = await buildGoInterop();
  const r = await runGo(bin, ['no-such-command']);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('unknown command "no-such-command"');
});
