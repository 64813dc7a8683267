/**
 * The incidents a pager channel triggered and saw accepted, until it
 * resolves them: one small item each in the history table, so a resolve is
 * sent only for an incident this channel opened, and a project's passing run
 * finds every open incident of its runs.
 *
 * | item          | pk                         | sk                 | |
 * |---------------|----------------------------|--------------------|---|
 * | open incident | `INCIDENT#<type>/<channel>` | `<incident key>`  | `group`, `summary`, `openedAt` |
 *
 * Kept for 90 days at most (TTL): an incident nobody resolved by then is
 * the pager's to close.
 */
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { queryPartition } from '../../record/query';
import type { Incident } from './incident';

export interface OpenIncident extends Incident {
  readonly summary: string;
  readonly openedAt: string;
}

export interface IncidentStore {
  /** Records an accepted trigger (again: keeps the first `openedAt`). */
  open(channel: string, incident: OpenIncident): Promise<void>;
  /** The open incident with `key`, if any. */
  get(channel: string, key: string): Promise<OpenIncident | undefined>;
  /** Every open incident of `group`. */
  inGroup(channel: string, group: string): Promise<OpenIncident[]>;
  /** Removes a resolved incident. */
  close(channel: string, key: string): Promise<void>;
}

const KEEP_DAYS = 90;
export const incidentPk = (channel: string) => `INCIDENT#${channel}`;

export class DynamoIncidents implements IncidentStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async open(channel: string, incident: OpenIncident): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: incidentPk(channel),
          sk: incident.key,
          entity: 'incident',
          group: incident.group,
          summary: incident.summary,
          openedAt: incident.openedAt,
          expiresAt: Math.floor(Date.parse(incident.openedAt) / 1000) + KEEP_DAYS * 86_400,
        },
      }),
    );
  }

  async get(channel: string, key: string): Promise<OpenIncident | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: incidentPk(channel), sk: key }, ConsistentRead: true }),
    );
    return out.Item === undefined ? undefined : toIncident(out.Item);
  }

  async inGroup(channel: string, group: string): Promise<OpenIncident[]> {
    const items = await queryPartition(this.client, this.tableName, incidentPk(channel), {
      consistent: true,
      filter: { expression: '#group = :group', names: { '#group': 'group' }, values: { ':group': group } },
    });
    return items.map(toIncident);
  }

  async close(channel: string, key: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: incidentPk(channel), sk: key } }));
  }
}

function toIncident(item: Record<string, unknown>): OpenIncident {
  return {
    key: String(item.sk),
    group: String(item.group),
    summary: String(item.summary),
    openedAt: String(item.openedAt),
  };
}
