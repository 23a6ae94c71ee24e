/**
 * `kafkaesque transactions list|describe`, as kafka-transactions.sh: the transactional ids the
 * coordinators know, and a transaction's state and partitions (finding a hanging transaction).
 */
import { command, type CommandGroup, configFrom, intOption, reportItems, table, UsageError, withAdmin } from './common.js';

export const transactions: CommandGroup = {
  summary: 'transactional ids and their open transactions',
  subcommands: {
    list: command({
      synopsis: 'transactions list [--state S]... [--producer-id N]... [--older-than MS]',
      summary: "every coordinator's transactional ids, with producer id and state",
      details: `  --state S          only those in state S (Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit, CompleteAbort)
  --producer-id N    only those of producer id N
  --older-than MS    only transactions open longer than MS milliseconds (a hanging one; Kafka 3.8+)`,
      options: {
        state: { type: 'string', multiple: true },
        'producer-id': { type: 'string', multiple: true },
        'older-than': { type: 'string' },
      },
      run: ({ values }, io) => {
        const producerIds = (values['producer-id'] ?? []).map((v) => BigInt(intOption('producer-id', v, 0)!));
        const olderThan = intOption('older-than', values['older-than'], 0);
        return withAdmin(configFrom(values, io), async (admin) => {
          const list = await admin.listTransactions({ states: values.state ?? [], producerIds, ...(olderThan !== undefined && { durationMs: olderThan }) });
          const rows = [['transactional-id', 'producer-id', 'state', 'coordinator'], ...list.map((t) => [t.transactionalId, String(t.producerId), t.state, String(t.coordinator)])];
          for (const line of table(rows)) io.out(line);
          return 0;
        });
      },
    }),
    describe: command({
      synopsis: 'transactions describe <transactional-id>...',
      summary: "state, producer id and epoch, timeout, and the open transaction's start and partitions",
      options: {},
      run: ({ values, positionals }, io) => {
        if (positionals.length === 0) throw new UsageError('transactions describe: name at least one transactional id');
        return withAdmin(configFrom(values, io), async (admin) =>
          reportItems(await admin.describeTransactions(positionals), (t) => t.transactionalId, (t) => {
            const since = t.startTimeMs >= 0 ? `  started ${new Date(t.startTimeMs).toISOString()}` : '';
            io.out(`transactional-id ${t.transactionalId}  state ${t.state}  producer ${t.producerId} epoch ${t.producerEpoch}  timeout ${t.transactionTimeoutMs} ms  coordinator ${t.coordinator}${since}`);
            for (const p of t.partitions) io.out(`  ${p.topic}-${p.partition}`);
          }, io),
        );
      },
    }),
  },
};
