import { BabyError, create, toHex, toJson } from '@babychain/codec';
import { encodeAddress } from '@babychain/crypto';
import { Command } from 'commander';
import { chainContext, formatAmount, parseWhole, resolveAddress, withNodeOption } from '../chain.ts';
import { CliErrorCode } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { printResult } from '../output.ts';
import { readableSummary, summaryJson, txSummary } from '../tx-summary.ts';

/** `baby query …`: read accounts, blocks and transactions from a node. */
export function queryCommand(io: CliIo): Command {
  const query = new Command('query').alias('q').description('read accounts, blocks and transactions from a node');

  withNodeOption(
    query
      .command('account')
      .description("an account's balance and nonce at the node's last committed height")
      .argument('<address>', 'a bech32m address, or the name of a key in the keyring'),
  ).action(async (text: string, _opts: unknown, cmd: Command) => {
    const ctx = chainContext(cmd, io);
    const { address } = resolveAddress(text, ctx);
    const account = await ctx.client().account(address);
    if (ctx.json) {
      printResult(io.stdout, true, {
        ...account,
        multisig:
          account.multisig === null
            ? null
            : { threshold: account.multisig.threshold, publicKeys: account.multisig.publicKeys.map((k) => toHex(k)) },
      });
      return;
    }
    printResult(io.stdout, false, {
      address: account.address,
      balance: formatAmount(account.balance),
      nonce: account.nonce,
      height: account.height,
      multisig: account.multisig === null ? undefined : multisigLabel(account.multisig),
    });
  });

  withNodeOption(
    query
      .command('block')
      .description('a committed block: hash, time, proposer and its transactions')
      .argument('<height>', 'a height, or "latest"'),
  ).action(async (text: string, _opts: unknown, cmd: Command) => {
    const ctx = chainContext(cmd, io);
    const height = text === 'latest' ? 'latest' : parseWhole(text, 'height');
    const block = await ctx.client().block(height);
    const { header } = block;
    if (ctx.json) {
      printResult(io.stdout, true, {
        height: block.height,
        hash: block.hash,
        header: toJson('babychain.v0.Header', header),
        txIds: block.txIds,
        txs: block.txs.map((tx) => toHex(tx)),
        commit: block.commit === null ? null : toJson('babychain.v0.Commit', block.commit),
      });
      return;
    }
    printResult(io.stdout, false, {
      height: block.height,
      hash: block.hash,
      time: new Date(Number(header.timeMs)).toISOString(),
      proposer: header.proposerAddress.length === 20 ? encodeAddress(header.proposerAddress, ctx.prefix) : undefined,
      appHash: toHex(header.appHash),
      txs: block.txIds.length,
      txIds: block.txIds.length > 0 ? block.txIds : undefined,
      signers: block.commit === null ? undefined : block.commit.signatures.length,
    });
  });

  withNodeOption(
    query
      .command('tx')
      .description('where a committed transaction is, and what it did')
      .argument('<id>', 'the transaction id (64 hex digits)'),
  ).action(async (text: string, _opts: unknown, cmd: Command) => {
    const ctx = chainContext(cmd, io);
    const id = text.toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(id)) throw new BabyError(CliErrorCode.BAD_ARGUMENT, 'a transaction id is 64 hex digits');
    const info = await ctx.client().tx(id);
    if (info === null) {
      throw new BabyError(CliErrorCode.NOT_FOUND, `no committed transaction ${id} (it may still be pending)`, { id });
    }
    const summary = txSummary(info.tx.body ?? create('babychain.v0.TxBody'), ctx.prefix);
    const where = { id: info.id, height: info.height, index: info.index };
    if (ctx.json) {
      printResult(io.stdout, true, {
        ...where,
        ...summaryJson(summary),
        tx: toJson('babychain.v0.Tx', info.tx),
        bytes: toHex(info.bytes),
      });
      return;
    }
    const signer = info.tx.body?.signer?.key;
    printResult(io.stdout, false, {
      ...where,
      ...readableSummary(summary),
      signer: signer?.case === 'multisig' ? multisigLabel(signer.value) : undefined,
      signatures: info.tx.signatures.length,
    });
  });

  withNodeOption(
    query
      .command('validators')
      .description('the validator set that signs a height (default: the next block), with each operator (VAL-3)')
      .option('--height <n>', 'a committed height, or the next one'),
  ).action(async (opts: { height?: string }, cmd: Command) => {
    const ctx = chainContext(cmd, io);
    const height = opts.height === undefined ? undefined : parseWhole(opts.height, '--height');
    const info = await ctx.client().validators(height);
    const rows = info.validators.map((v) => ({
      index: v.index,
      name: v.name,
      power: v.power,
      publicKey: toHex(v.publicKey),
      address: v.address,
      operator: v.operator,
    }));
    const jailed = info.jailed.map((j) => ({ ...j, publicKey: toHex(j.publicKey) }));
    if (ctx.json) {
      printResult(io.stdout, true, { height: info.height, totalPower: info.totalPower, validators: rows, jailed });
      return;
    }
    io.stdout.write(`height ${info.height}: ${rows.length} validators, total power ${info.totalPower}\n`);
    for (const r of rows)
      io.stdout.write(`  ${r.index}  ${r.name}  power ${r.power}  key ${r.publicKey}  operator ${r.operator}\n`);
    // VAL-10: out of the set until governance unjails them (`baby gov propose unjail <key>`)
    for (const j of jailed) {
      const who = j.name === null ? 'had left the set' : `${j.name}, power ${j.power} on unjail`;
      io.stdout.write(
        `  jailed  ${j.publicKey}  equivocated at ${j.evidenceHeight}, jailed at ${j.jailedHeight} (${who})\n`,
      );
    }
  });

  return query;
}

function multisigLabel(key: { threshold: number; publicKeys: readonly Uint8Array[] }): string {
  return `multisig ${key.threshold} of ${key.publicKeys.length}: ${key.publicKeys.map((k) => toHex(k)).join(', ')}`;
}
