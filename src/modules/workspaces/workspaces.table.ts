export interface WorkspacesTable {
  id: string;
  name: string;
  slug: string;
  base_currency: string;
  time_zone: string;
  is_demo: number;
  created_at: string;
}
