" modelc schema files
autocmd BufRead,BufNewFile *.model setfiletype modelc
