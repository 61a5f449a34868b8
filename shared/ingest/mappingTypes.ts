/** The shapes of a topic mapping: as configured (data), and as compiled for `mapMessage`. */
import type { JsonPrimitive, JsonValue, Priority } from '../events/event';
import type { TopicTemplate } from './topicTemplate';

export type BodyFormat = 'json' | 'text' | 'number';
export type FieldType = 'string' | 'number' | 'boolean' | 'object' | 'array' | 'any';

export interface FieldSpec {
  readonly from?: string | readonly string[];
  readonly value?: JsonValue;
  readonly type?: FieldType;
  /** Default true: a message without the field is rejected. */
  readonly required?: boolean;
  readonly oneOf?: readonly JsonPrimitive[];
}

export interface TopicRuleConfig {
  readonly name?: string;
  readonly topic: string;
  readonly type?: string;
  readonly event?: boolean;
  readonly body?: BodyFormat;
  readonly payload?: Readonly<Record<string, string | readonly string[] | FieldSpec>>;
  readonly timestamp?: string | readonly string[];
  readonly correlationId?: string | readonly string[];
  readonly priority?: Priority;
  readonly source?: string;
}

export interface IngestMappingConfig {
  /** `source` of the events made, unless a rule or the message says otherwise. */
  readonly source?: string;
  readonly rules: readonly TopicRuleConfig[];
}

export type SourceExpr =
  | { readonly kind: 'topic' }
  | { readonly kind: 'level'; readonly name: string }
  | { readonly kind: 'body'; readonly path: readonly string[] }
  | { readonly kind: 'received' };

export interface CompiledField {
  readonly key: string;
  readonly from: readonly SourceExpr[];
  readonly fromText: string;
  readonly value?: JsonValue;
  readonly type: FieldType;
  readonly required: boolean;
  readonly oneOf?: readonly JsonPrimitive[];
}

export interface CompiledRule {
  readonly name: string;
  readonly template: TopicTemplate;
  readonly type?: string;
  readonly event: boolean;
  readonly body: BodyFormat;
  /** null: merge the body's object with the named levels. */
  readonly payload: readonly CompiledField[] | null;
  readonly timestamp: readonly SourceExpr[];
  readonly correlationId: readonly SourceExpr[];
  readonly priority?: Priority;
  readonly source: string;
}

export interface CompiledMapping {
  /** The mapping's default `source`, also given to the events ingest makes about itself. */
  readonly source: string;
  readonly rules: readonly CompiledRule[];
  /** The distinct MQTT filters that cover every rule, for subscribing by default. */
  readonly filters: readonly string[];
}
