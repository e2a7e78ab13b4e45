document.write('286');
