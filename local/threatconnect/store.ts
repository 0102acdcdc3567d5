import { generateDataset, type Dataset } from "./dataset";
import {
  isEmulatedType,
  OWNERS,
  TAGS,
  type EmulatedAttribute,
  type EmulatedIndicator,
  type EmulatedOwner,
  type EmulatedTag,
  type EmulatedType,
} from "./model";
import { canonicalSummary, InvalidIndicatorError, valuesFromSummary } from "./values";

export type NewIndicator = {
  type: EmulatedType;
  summary: string;
  owner?: string;
  id?: string;
  rating?: number;
  confidence?: number;
  threatAssessScore?: number;
  active?: boolean;
  tags?: string[];
  attributes?: { type: string; value: string }[];
};

export type IndicatorChanges = Partial<
  Pick<NewIndicator, "rating" | "confidence" | "threatAssessScore" | "active" | "tags" | "attributes">
>;

export type DeletedRecord = {
  ownerName: string;
  type: EmulatedType;
  summary: string;
  /** The deleted indicator's own date added, which is what the emulator serves as an entry's `dateAdded`. */
  dateAdded: number;
  deletedAt: number;
};

export class IndicatorStore {
  /** Bumped on every change so cached query results are never served stale. */
  version = 0;
  deleted: DeletedRecord[] = [];
  private indicators: EmulatedIndicator[] = [];
  private byId = new Map<string, EmulatedIndicator>();
  private tagsByName = new Map<string, EmulatedTag>();
  private nextAttributeId = 0;
  private nextId = 0n;

  constructor(
    private readonly options: { count: number; seed: number },
    private readonly nowSeconds: () => number,
  ) {
    this.reset();
  }

  reset(): void {
    this.load(generateDataset(this.options.count, this.options.seed, this.nowSeconds()));
  }

  private load(dataset: Dataset): void {
    this.indicators = dataset.indicators;
    this.byId = new Map(dataset.indicators.map((indicator) => [indicator.id, indicator]));
    this.tagsByName = new Map(TAGS.map((tag) => [tag.name.toLowerCase(), tag]));
    this.nextAttributeId = dataset.nextAttributeId;
    this.nextId = dataset.indicators.reduce((max, indicator) => {
      const id = BigInt(indicator.id);
      return id < 2n ** 53n && id >= max ? id + 1n : max;
    }, 1000n);
    this.deleted = [];
    this.version++;
  }

  all(): readonly EmulatedIndicator[] {
    return this.indicators;
  }

  get(id: string): EmulatedIndicator | undefined {
    return this.byId.get(id);
  }

  add(input: NewIndicator): EmulatedIndicator {
    if (!isEmulatedType(input.type))
      throw new InvalidIndicatorError(`type: "${String(input.type)}" is not an indicator type`);
    const owner = resolveOwner(input.owner ?? OWNERS[0].name);
    const values = valuesFromSummary(input.type, input.summary);
    const summary = canonicalSummary(input.type, values, input.summary);
    if (
      this.indicators.some(
        (existing) => existing.owner === owner && existing.type === input.type && existing.summary === summary,
      )
    ) {
      throw new InvalidIndicatorError(`summary: "${summary}" already exists in ${owner.name}`);
    }
    const id = input.id ?? String(this.nextId++);
    if (!/^\d+$/.test(id)) throw new InvalidIndicatorError(`id: "${id}" must be a positive integer`);
    if (this.byId.has(id)) throw new InvalidIndicatorError(`id: ${id} is already used`);
    const now = this.nowSeconds();
    const indicator: EmulatedIndicator = {
      id,
      owner,
      type: input.type,
      summary,
      values,
      rating: input.rating,
      confidence: input.confidence,
      threatAssessScore: input.threatAssessScore ?? 0,
      dateAdded: now,
      lastModified: now,
      active: input.active ?? true,
      tags: this.resolveTags(input.tags ?? []),
      attributes: [],
      attributeIdBase: 0,
      groups: [],
      securityLabels: [],
    };
    this.setAttributes(indicator, input.attributes ?? [], now);
    validateScores(indicator);
    this.indicators.push(indicator);
    this.byId.set(id, indicator);
    this.version++;
    return indicator;
  }

  modify(id: string, changes: IndicatorChanges): EmulatedIndicator {
    const indicator = this.require(id);
    const now = this.nowSeconds();
    const updated: EmulatedIndicator = {
      ...indicator,
      rating: "rating" in changes ? changes.rating : indicator.rating,
      confidence: "confidence" in changes ? changes.confidence : indicator.confidence,
      threatAssessScore: changes.threatAssessScore ?? indicator.threatAssessScore,
      active: changes.active ?? indicator.active,
      tags: changes.tags ? this.resolveTags(changes.tags) : indicator.tags,
      lastModified: Math.max(now, indicator.lastModified),
    };
    if (changes.attributes) this.setAttributes(updated, changes.attributes, now);
    validateScores(updated);
    Object.assign(indicator, updated);
    this.version++;
    return indicator;
  }

  delete(id: string): void {
    const indicator = this.require(id);
    this.indicators = this.indicators.filter((candidate) => candidate !== indicator);
    this.byId.delete(id);
    this.deleted.push({
      ownerName: indicator.owner.name,
      type: indicator.type,
      summary: indicator.summary,
      dateAdded: indicator.dateAdded,
      deletedAt: this.nowSeconds(),
    });
    this.version++;
  }

  private require(id: string): EmulatedIndicator {
    const indicator = this.byId.get(id);
    if (!indicator) throw new InvalidIndicatorError(`id: no indicator ${id}`);
    return indicator;
  }

  private resolveTags(names: string[]): EmulatedTag[] {
    return names.map((name) => {
      const existing = this.tagsByName.get(name.toLowerCase());
      if (existing) return existing;
      const created = { id: 10_000 + this.tagsByName.size, name };
      this.tagsByName.set(name.toLowerCase(), created);
      return created;
    });
  }

  private setAttributes(
    indicator: EmulatedIndicator,
    attributes: { type: string; value: string }[],
    now: number,
  ): void {
    indicator.attributes = attributes.map((attribute): EmulatedAttribute => ({
      ...attribute,
      dateAdded: now,
    }));
    indicator.attributeIdBase = this.nextAttributeId;
    this.nextAttributeId += Math.max(attributes.length, 1);
  }
}

export function resolveOwner(name: string): EmulatedOwner {
  const owner = OWNERS.find((candidate) => candidate.name === name);
  if (!owner) throw new InvalidIndicatorError(`owner: "${name}" is not one of ${OWNERS.map((o) => o.name).join(", ")}`);
  return owner;
}

function validateScores(indicator: EmulatedIndicator): void {
  const checks: [string, number | undefined, number][] = [
    ["rating", indicator.rating, 5],
    ["confidence", indicator.confidence, 100],
    ["threatAssessScore", indicator.threatAssessScore, 1000],
  ];
  for (const [field, value, max] of checks) {
    if (value !== undefined && (!Number.isFinite(value) || value < 0 || value > max)) {
      throw new InvalidIndicatorError(`${field}: must be between 0 and ${max} (got ${value})`);
    }
  }
}
