/* A real SMTP server in its own process for tests: stores each message it receives as <n>.eml in a folder.
   Usage: node smtp-sink.js <port> <dir>; prints "listening" once ready. */
const { SMTPServer } = require('smtp-server');
const { writeFileSync, readdirSync } = require('node:fs');
const { join } = require('node:path');

const [port, dir] = process.argv.slice(2);
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  disableReverseLookup: true,
  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', (c) => chunks.push(c));
    stream.on('end', () => {
      const n = readdirSync(dir).filter((f) => f.endsWith('.eml')).length + 1;
      writeFileSync(join(dir, `${String(n).padStart(4, '0')}.eml`), Buffer.concat(chunks));
      callback();
    });
  },
});
server.listen(Number(port), '127.0.0.1', () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
