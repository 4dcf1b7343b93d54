export interface ChurnModelsTable {
  id: string;
  workspace_id: string;
  trained_at: string;
  trained_by: string;
  as_of: string;
  published: number;
  card: string;
  params: string;
}
