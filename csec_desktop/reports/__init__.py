"""Reports for supervisors and the county program (issue 23): periods, counts, de-identification."""
