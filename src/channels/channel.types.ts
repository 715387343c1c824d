export const CHANNEL_KINDS = ['slack', 'discord', 'webhook'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** A team destination for digests: like a reader, it has topics and keywords, and a delivery hour (UTC). */
export interface Channel {
  id: number;
  name: string;
  kind: ChannelKind;
  url: string;
  topics: string[];
  keywords: string | null;
  hour: number;
  lastDeliveryAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  createdAt: string;
}

export interface ChannelRunSummary {
  selected: number;
  sent: number;
  skippedEmpty: number;
  failed: number;
}
