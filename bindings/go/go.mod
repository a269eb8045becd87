module npscore

go 1.24
