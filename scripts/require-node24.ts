// Every pnpm script must run on the pinned Node 24 (root devDependency `node`), never on the machine's Node.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(
    `babychain needs Node >= 24 but scripts run on ${process.version}; run them through pnpm so the pinned node is used`,
  );
  process.exit(1);
}
