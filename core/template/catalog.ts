import type { CloudApiClient } from '../cloud-api/client';
import type { TemplateDefinition } from './definition';

/**
 * The account's templates, fetched once and kept for a short while: every template send checks its
 * template against Meta's definition, and listing all pages on each send would cost seconds.
 */
export class TemplateCatalog {
	private cached: { templates: TemplateDefinition[]; fetchedAt: number } | null = null;
	private pending: Promise<TemplateDefinition[]> | null = null;

	constructor(
		private readonly client: Pick<CloudApiClient, 'listAllTemplates'>,
		private readonly maxAgeMs = 60_000,
		private readonly clock: () => number = Date.now,
	) {}

	async all(): Promise<TemplateDefinition[]> {
		if (this.cached && this.clock() - this.cached.fetchedAt < this.maxAgeMs) return this.cached.templates;
		this.pending ??= this.client
			.listAllTemplates()
			.then((templates) => {
				this.cached = { templates, fetchedAt: this.clock() };
				return templates;
			})
			.finally(() => {
				this.pending = null;
			});
		return this.pending;
	}

	/** Forget the cache, e.g. after Meta answered that a template does not exist (132001). */
	invalidate(): void {
		this.cached = null;
	}
}
