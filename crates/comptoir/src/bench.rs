pub async fn run(_: &str, _: crate::cli::BenchArgs) -> anyhow::Result<()> {
    anyhow::bail!("todo")
}
