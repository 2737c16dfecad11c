/**
 * The Meta Cloud API simulator in a process of its own, as Meta is another machine: the sending
 * bench's process then measures only the client side. Opens the 24-hour window for the customers
 * the bench writes to.
 * argv: <json: { customers: string[] }>; prints "ready <url>"; on "stats" (stdin) prints
 * "stats <json>" about the message sends since the previous "stats", then forgets them.
 */
import { startMetaSimulator } from '../../tools/meta-simulator/meta-simulator';

/** What a "stats" line carries, as the sending bench reads it. */
export interface SendStats {
	accepted: number;
	refused: number;
	firstAt: number | null;
	lastAt: number | null;
	/** The most sends accepted within any 1,000 ms (what a per-second cap looks at). */
	maxInOneSecond: number;
}

async function main(): Promise<void> {
	const { customers } = JSON.parse(process.argv[2]) as { customers: string[] };
	const simulator = await startMetaSimulator({ webhook: { statuses: false } });
	for (const customer of customers) simulator.openWindow(customer);

	const stats = (): SendStats => {
		const times = simulator.requests.filter((entry) => entry.method === 'POST' && entry.path.endsWith('/messages') && entry.status === 200).map((entry) => entry.at);
		const refused = simulator.requests.filter((entry) => entry.method === 'POST' && entry.path.endsWith('/messages') && entry.status !== 200).length;
		let maxInOneSecond = 0;
		for (let start = 0, end = 0; end < times.length; end++) {
			while (times[end] - times[start] >= 1000) start++;
			maxInOneSecond = Math.max(maxInOneSecond, end - start + 1);
		}
		simulator.requests.length = 0;
		return { accepted: times.length, refused, firstAt: times[0] ?? null, lastAt: times.at(-1) ?? null, maxInOneSecond };
	};
	process.stdin.on('data', (chunk: Buffer) => {
		if (chunk.toString().includes('stats')) process.stdout.write(`stats ${JSON.stringify(stats())}\n`);
	});
	process.stdout.write(`ready ${simulator.url}\n`);
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
	process.exit(1);
});
