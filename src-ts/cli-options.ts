// The tls-related command-line options of Node that change what a socket
// does (the version and cipher flags reach us through node:tls's defaults):
// `--tls-keylog=file` and `--trace-tls`, and the CA store flags
// (`--use-system-ca`, `--use-openssl-ca`, `--use-bundled-ca`), from the
// command line or NODE_OPTIONS, as Node reads them.

function nodeOptionsArgs(): string[] {
  const raw = process.env.NODE_OPTIONS
  if (!raw) return []
  // NODE_OPTIONS is split on spaces; double quotes group, as in Node.
  const out: string[] = []
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g
  for (let m = re.exec(raw); m; m = re.exec(raw)) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2])
  return out
}

function optionValue(name: string): string | true | undefined {
  let found: string | true | undefined
  const args = [...nodeOptionsArgs(), ...process.execArgv]
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (arg === name) found = args[i + 1] !== undefined && !args[i + 1].startsWith('-') ? args[++i] : true
    else if (arg.startsWith(`${name}=`)) found = arg.slice(name.length + 1)
  }
  return found
}

const keylog = optionValue('--tls-keylog')
/** `--tls-keylog=file`: every TLS socket appends its key log lines there. */
export const tlsKeylogFile: string | undefined = typeof keylog === 'string' ? keylog : undefined
/** `--trace-tls`: enableTrace on by default. */
export const traceTls: boolean = optionValue('--trace-tls') !== undefined

/** Whether a boolean Node flag is on the command line or in NODE_OPTIONS. */
export function commandLineHas(flag: string): boolean {
  return optionValue(flag) !== undefined
}
