/** A path to a field inside a document or rendered object; numbers index lists (`["spec", "traits", 0, "type"]`). */
export type FieldPath = readonly (string | number)[];
