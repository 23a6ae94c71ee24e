// The command-line options of the bench scripts: `--name value` (arg), `--name` alone (flag) and
// `--name a,b,c` (list); `arg` and `list` fall back to `def` when the option is absent.
export function cliArgs(argv = process.argv.slice(2)) {
  const arg = (name, def) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : def;
  };
  const flag = (name) => argv.includes(`--${name}`);
  const list = (name, def) => arg(name, def).split(',').map((s) => s.trim()).filter(Boolean);
  return { arg, flag, list };
}
